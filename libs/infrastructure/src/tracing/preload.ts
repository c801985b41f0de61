/**
 * Loaded before an app's own modules (`node --import ./dist/libs/infrastructure/src/tracing/preload.js
 * dist/apps/<app>/src/main.js`): when tracing is configured, registers OpenTelemetry's ESM hook
 * and starts the SDK, so that `http`, `pg` and `kafkajs` are patched as the app imports them.
 * Without OTEL_EXPORTER_ZIPKIN_ENDPOINT (or with TRACING_ENABLED=false) it loads nothing else.
 */
import { register } from 'node:module';
import { loadConfig, type Config } from '../config/config.js';

const configured = (): Config | null => {
  try {
    return loadConfig();
  } catch {
    return null; // the app's entry point reports a bad configuration
  }
};

const config = configured();
const endpoint = config?.tracing.zipkinEndpoint;
if (config && endpoint) {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const { startTracing } = await import('./tracing.sdk.js');
  const sdk = startTracing(config, endpoint);
  // Spans still buffered are sent while the app stops (Nest's own hooks end the process after).
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void sdk.shutdown());
}
