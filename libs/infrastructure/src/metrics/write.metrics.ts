import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from './metrics.registry.js';

export const appendDuration = new Histogram({
  name: 'event_store_append_duration_seconds',
  help: 'Appends to the event store as the write path waits for them (group-commit queueing included), by outcome: ok, conflict, error',
  labelNames: ['outcome'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

export const groupCommitBatchSize = new Histogram({
  name: 'event_store_group_commit_batch_size',
  help: 'Appends committed together by one group-commit transaction (1: committed alone)',
  buckets: [1, 2, 4, 8, 16, 32, 64, 128],
  registers: [metricsRegistry],
});

export const streamBatchSize = new Histogram({
  name: 'command_stream_batch_size',
  help: 'Commands for one stream decided in turn and appended together, as they arrived while the stream was busy (1: a command alone)',
  buckets: [1, 2, 4, 8, 16, 32, 64],
  registers: [metricsRegistry],
});

export const concurrencyConflicts = new Counter({
  name: 'command_concurrency_conflicts_total',
  help: 'Wrong expected revisions: answered 409 (outcome="rejected") or a lost race decided again on the new state (outcome="retried")',
  labelNames: ['outcome'],
  registers: [metricsRegistry],
});

export const idempotentReplays = new Counter({
  name: 'command_idempotent_replays_total',
  help: 'Commands answered from an earlier answer to the same Idempotency-Key, without executing',
  registers: [metricsRegistry],
});
