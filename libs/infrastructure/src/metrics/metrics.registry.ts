import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

/** The one registry of this process: every family registers here, `GET /metrics` serves it. */
export const metricsRegistry = new Registry();

let collectingDefaults = false;
/** The runtime's own metrics (event loop lag, heap, GC, CPU), once per process. */
export const collectRuntimeMetrics = (): void => {
  if (collectingDefaults) return;
  collectingDefaults = true;
  collectDefaultMetrics({ register: metricsRegistry });
};

/** Labels every sample with the app that serves it (`command-api`, `query-api`, `projector`). */
export const labelMetricsWith = (app: string): void => metricsRegistry.setDefaultLabels({ app });

/** How long a gauge that needs a query may take at a scrape before it is left out of it. */
export const COLLECT_TIMEOUT_MS = 1_000;

const collectFailures = new Counter({
  name: 'metrics_collect_failures_total',
  help: 'Gauges left out of a scrape because their query failed or took longer than the collect timeout',
  labelNames: ['collector'],
  registers: [metricsRegistry],
});

/**
 * Runs a gauge's query for a scrape, bounded by `timeoutMs` so a slow dependency cannot hang
 * `/metrics`. On failure or timeout `onFailure` runs and the failure is counted. A value that
 * could not be read is never shown stale: a labelled gauge is reset (its series are left out), an
 * unlabelled one is set to NaN (prom-client would show a reset one as 0).
 */
export const collectWithin = async (collector: string, work: () => Promise<void>, onFailure: () => void, timeoutMs = COLLECT_TIMEOUT_MS): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${collector} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([work(), deadline]);
  } catch {
    onFailure();
    collectFailures.inc({ collector });
  } finally {
    clearTimeout(timer);
  }
};

/** One query's result shared by the gauges it feeds within one scrape (they collect concurrently). */
export const sharedWithin = <T>(ttlMs: number, read: () => Promise<T>): (() => Promise<T>) => {
  let last: { at: number; value: Promise<T> } | null = null;
  return () => {
    const now = Date.now();
    if (!last || now - last.at > ttlMs) {
      const value = read();
      last = { at: now, value };
      value.catch(() => {
        if (last?.value === value) last = null;
      });
    }
    return last.value;
  };
};
