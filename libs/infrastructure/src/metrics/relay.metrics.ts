import { Counter, Gauge, Histogram } from 'prom-client';
import type { RelayLag } from '../relay/relay-status.js';
import { collectWithin, metricsRegistry, sharedWithin } from './metrics.registry.js';

export const relayProduceDuration = new Histogram({
  name: 'relay_produce_duration_seconds',
  help: 'Produce requests of the relay, from the first send to the acknowledgement, retries included',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

export const relayProduceRetries = new Counter({
  name: 'relay_produce_retries_total',
  help: 'Produce requests sent again after Kafka failed them',
  registers: [metricsRegistry],
});

export const relayEvents = new Counter({
  name: 'relay_events_total',
  help: 'Events the relay handed to Kafka, by outcome: published, or dead_lettered (too large for Kafka)',
  labelNames: ['outcome'],
  registers: [metricsRegistry],
});

let lagSource: (() => Promise<RelayLag | null>) | null = null;

/** Where the lag gauges read from at each scrape: the relay of this process (leader or standby: the checkpoint is shared). */
export const watchRelayLag = (lag: () => Promise<RelayLag | null>): void => {
  lagSource = sharedWithin(500, lag);
};

const unpublished: Gauge = new Gauge({
  name: 'relay_unpublished_events',
  help: 'Committed events not yet published to Kafka: rows after the relay checkpoint, up to the readable head',
  registers: [metricsRegistry],
  collect: () =>
    collectWithin(
      'relay_lag',
      async () => {
        const lag = await lagSource?.();
        if (lag) unpublished.set(lag.unpublished);
        else unpublished.set(NaN);
      },
      () => unpublished.set(NaN),
    ),
});

const oldestAge: Gauge = new Gauge({
  name: 'relay_oldest_unpublished_age_seconds',
  help: 'Age of the oldest committed event not yet published to Kafka (0 when none waits)',
  registers: [metricsRegistry],
  collect: () =>
    collectWithin(
      'relay_lag',
      async () => {
        const lag = await lagSource?.();
        if (lag) oldestAge.set((lag.oldestUnpublishedAgeMs ?? 0) / 1000);
        else oldestAge.set(NaN);
      },
      () => oldestAge.set(NaN),
    ),
});
