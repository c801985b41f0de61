import { loadConfig } from '#infra/config/config';

/** The bench's configuration, from the environment scripts/bench.sh sets up, parsed once. */
export const config = loadConfig();
