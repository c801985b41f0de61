import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '#infra/metrics/metrics.registry';

const counter = (name: string, help: string): Counter<'projection'> =>
  new Counter({ name, help, labelNames: ['projection'], registers: [metricsRegistry] });

/** Per projection (the PostgreSQL read models, order search, the payment saga). */
export const projectionMetrics = {
  applied: counter('projection_events_applied_total', 'Events applied to a read model'),
  skipped: counter('projection_events_skipped_total', 'Events skipped because their revision was already applied'),
  deadLettered: counter('projection_events_dead_lettered_total', 'Events sent to a dead-letter topic'),
  parked: counter('projection_events_parked_total', 'Events kept waiting behind a gap in their stream'),
  applyDuration: new Histogram({
    name: 'projection_apply_duration_seconds',
    help: 'Chunks of events applied by a projection in one go (its transaction or bulk request, retries included)',
    labelNames: ['projection'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [metricsRegistry],
  }),
  errors: new Counter({
    name: 'projection_errors_total',
    help: 'Failures of a projection consumer, by kind: apply (a chunk failed; redelivered), crash (the consumer crashed), start (Kafka refused it)',
    labelNames: ['projection', 'kind'],
    registers: [metricsRegistry],
  }),
};
