import { Histogram } from 'prom-client';
import { metricsRegistry } from '#infra/metrics/metrics.registry';

export const consistencyWaits = new Histogram({
  name: 'consistency_wait_duration_seconds',
  help: 'Reads that waited on X-Consistency-Token, by outcome: reached (the revision was projected in time), timeout (answered 504), failed',
  labelNames: ['outcome'],
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});
