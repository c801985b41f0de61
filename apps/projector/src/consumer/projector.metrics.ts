import { Gauge } from 'prom-client';
import { collectWithin, metricsRegistry, sharedWithin } from '#infra/metrics/metrics.registry';
import type { ConsumerLag, GroupLag } from './consumer-lag.js';
import type { ParkedStreamsMonitor } from './parked-streams.monitor.js';
import type { ProjectionConsumer } from './projection-consumer.js';

interface Watched {
  readonly consumers: readonly ProjectionConsumer[];
  readonly lag: ConsumerLag;
  readonly parked: ParkedStreamsMonitor;
}

let watched: Watched | null = null;
let lagNow: (() => Promise<Map<string, GroupLag>>) | null = null;

/** The consumers, the Kafka admin and the parked-stream counts the projector's gauges read at each scrape. */
export const watchProjections = (projector: Watched): void => {
  watched = projector;
  lagNow = sharedWithin(500, async () => {
    const lags = await Promise.all(projector.consumers.map(async (c) => [c.name, await projector.lag.lagOf(c)] as const));
    return new Map(lags);
  });
};

/**
 * Seconds behind: the age of the oldest event the projection has not applied, by when it reached
 * Kafka (the relay's delay before that is relay_oldest_unpublished_age_seconds); 0 when none
 * waits, however long ago the last one came. Not how long ago the last applied event occurred:
 * after an idle hour that reads an hour as soon as one new event waits.
 */
export const lagSeconds = (lag: GroupLag, now: number): number =>
  lag.events === 0 || lag.oldestWaitingAt === null ? 0 : Math.max(0, (now - lag.oldestWaitingAt) / 1000);

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
        for (const [projection, lag] of (await lagNow?.()) ?? []) lagEvents.set({ projection }, lag.events);
      },
      () => lagEvents.reset(),
    ),
});

const lagInSeconds: Gauge<'projection'> = new Gauge({
  name: 'projection_lag_seconds',
  help: "Age of the oldest event in a projection's topics its consumer group has not committed yet (from the Kafka record timestamp); 0 when none waits",
  labelNames: ['projection'],
  registers: [metricsRegistry],
  collect: () =>
    collectWithin(
      'projection_lag',
      async () => {
        lagInSeconds.reset();
        const now = Date.now();
        for (const [projection, lag] of (await lagNow?.()) ?? []) lagInSeconds.set({ projection }, lagSeconds(lag, now));
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
