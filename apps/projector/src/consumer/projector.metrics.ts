import { Gauge } from 'prom-client';
import { collectWithin, metricsRegistry, sharedWithin } from '#infra/metrics/metrics.registry';
import type { ConsumerLag } from './consumer-lag.js';
import type { ParkedStreamsMonitor } from './parked-streams.monitor.js';
import type { ProjectionConsumer } from './projection-consumer.js';

interface Watched {
  readonly consumers: readonly ProjectionConsumer[];
  readonly lag: ConsumerLag;
  readonly parked: ParkedStreamsMonitor;
}

let watched: Watched | null = null;
let lagNow: (() => Promise<Map<string, number>>) | null = null;

/** The consumers, the Kafka admin and the parked-stream counts the projector's gauges read at each scrape. */
export const watchProjections = (projector: Watched): void => {
  watched = projector;
  lagNow = sharedWithin(500, async () => {
    const lags = await Promise.all(projector.consumers.map(async (c) => [c.name, await projector.lag.lagOf(c)] as const));
    return new Map(lags);
  });
};

/**
 * Seconds behind: none when nothing waits; otherwise how long ago the last event the projection
 * applied occurred (unknown, so left out, before it applied one).
 */
export const lagSeconds = (lagEvents: number, lastAppliedOccurredAt: number | null, now: number): number | null => {
  if (lagEvents === 0) return 0;
  return lastAppliedOccurredAt === null ? null : Math.max(0, (now - lastAppliedOccurredAt) / 1000);
};

const lagEvents: Gauge<'projection'> = new Gauge({
  name: 'projection_lag_events',
  help: "Events in a projection's topics its consumer group has not committed yet (topic end offsets less committed offsets)",
  labelNames: ['projection'],
  registers: [metricsRegistry],
  collect: () =>
    collectWithin(
      'projection_lag',
      async () => {
        lagEvents.reset();
        for (const [projection, n] of (await lagNow?.()) ?? []) lagEvents.set({ projection }, n);
      },
      () => lagEvents.reset(),
    ),
});

const lagInSeconds: Gauge<'projection'> = new Gauge({
  name: 'projection_lag_seconds',
  help: 'How far a projection is behind in time: now less when the last event it applied occurred; 0 when no event waits',
  labelNames: ['projection'],
  registers: [metricsRegistry],
  collect: () =>
    collectWithin(
      'projection_lag',
      async () => {
        lagInSeconds.reset();
        const lags = (await lagNow?.()) ?? new Map<string, number>();
        for (const consumer of watched?.consumers ?? []) {
          const events = lags.get(consumer.name);
          const seconds = events === undefined ? null : lagSeconds(events, consumer.lastAppliedOccurredAt, Date.now());
          if (seconds !== null) lagInSeconds.set({ projection: consumer.name }, seconds);
        }
      },
      () => lagInSeconds.reset(),
    ),
});

const parkedStreams: Gauge<'projection'> = new Gauge({
  name: 'projection_parked_streams',
  help: 'Streams a projection holds at a gap in their revisions',
  labelNames: ['projection'],
  registers: [metricsRegistry],
  collect: () =>
    collectWithin(
      'projection_parked_streams',
      async () => {
        const counts = (await watched?.parked.count()) ?? {};
        parkedStreams.reset();
        for (const [projection, n] of Object.entries(counts)) parkedStreams.set({ projection }, n);
      },
      () => parkedStreams.reset(),
    ),
});
