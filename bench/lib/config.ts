import { loadConfig } from '#infra/config/config';

/** The bench's configuration, from the environment scripts/bench.sh sets up, parsed once. */
export const config = loadConfig();

/** Where the apps send spans when a scenario turns tracing on (scripts/bench.sh leaves it off by default). */
export const zipkinEndpoint = loadConfig({ ...process.env, TRACING_ENABLED: 'true' }).tracing.zipkinEndpoint;
