import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Partitioners, type Producer } from 'kafkajs';
import { accountStreamId, encodeEnvelope, topicForCategory, type EventEnvelope, type KnownEvent } from '#events';
import { createKafka } from '#infra/kafka/kafka';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { metricFamilies, promtoolProblems, sampleValue, scrapeMetrics } from '#infra/testing/metrics-scrape';
import { testConfig } from '#infra/testing/test-config';
import { ProjectorService } from './consumer/projector.service.js';
import { bootstrap } from './main.js';

/** A real account event, as the relay would send it, at `revision` of the account's stream. */
const accountEvent = (accountId: string, revision: number): EventEnvelope<KnownEvent> => {
  const at = new Date().toISOString();
  const common = { eventId: randomUUID(), schemaVersion: 1, occurredAt: at, metadata: { correlationId: randomUUID(), causationId: null }, streamId: accountStreamId(accountId), streamRevision: revision, globalPosition: String(Date.now() * 10 + revision) };
  return (revision === 0
    ? { ...common, type: 'AccountOpened', data: { accountId, ownerName: 'Lag Watcher', currency: 'EUR', openedAt: at } }
    : { ...common, type: 'MoneyDeposited', data: { accountId, amount: 100, currency: 'EUR', description: 'lag', depositedAt: at } }) as EventEnvelope<KnownEvent>;
};

const waitFor = async (check: () => Promise<boolean>, ms: number, what: string): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

/** The projector's /metrics once its consumers run: lag per projection from Kafka, parked streams and sagas from PostgreSQL. */
describe('metrics of the projector (real PostgreSQL, Kafka)', () => {
  const projections = ['account-statement', 'payment-saga'] as const;
  let app: INestApplication;
  let pool: Pool;
  let base: string;
  let producer: Producer;

  beforeAll(async () => {
    pool = createPool(testConfig(), 2);
    await migrate(pool);
    app = await bootstrap(testConfig({ projectorPort: 0, projections: [...projections] }));
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    producer = createKafka(testConfig(), 'metrics-int-test').producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await app.close();
    await pool.end();
  });

  it('serves lag, apply, error, dead-letter, parked and saga families per projection; promtool accepts the text', async () => {
    await waitFor(async () => (await fetch(`${base}/health`)).status === 200, 60_000, 'the projector to become healthy');
    let text = '';
    await waitFor(
      async () => {
        text = (await scrapeMetrics(base)).text;
        return projections.every((projection) => sampleValue(text, 'projection_lag_events', { projection }) !== undefined);
      },
      30_000,
      'the lag of every projection',
    );
    const families = metricFamilies(text);
    const expected = [
      'projection_events_applied_total', 'projection_events_skipped_total', 'projection_events_dead_lettered_total', 'projection_events_parked_total',
      'projection_parked_streams', 'projection_lag_events', 'projection_lag_seconds', 'projection_apply_duration_seconds', 'projection_errors_total',
      'payment_sagas', 'payment_sagas_overdue', 'payment_saga_refunds_total', 'metrics_collect_failures_total',
    ];
    expect(expected.filter((name) => !families.has(name))).toEqual([]);
    const app = { app: 'projector' };
    expect(sampleValue(text, 'projection_parked_streams', { ...app, projection: 'account-statement' })).toBeGreaterThanOrEqual(0);
    expect(sampleValue(text, 'payment_sagas_overdue', app)).toBeGreaterThanOrEqual(0);
    // The first scrapes may come while the projector's topics are new, and Kafka answers the lag's
    // admin requests with "not the leader" or "metadata not loaded": counted, the lag left out of
    // that scrape. Once every gauge is served, a scrape fails none.
    const failures = (scraped: string): string[] => [...scraped.matchAll(/^metrics_collect_failures_total\{.*\} .*$/gm)].map((m) => m[0]);
    const failedBefore = failures(text);
    text = (await scrapeMetrics(base)).text;
    expect(failures(text)).toEqual(failedBefore);
    expect(promtoolProblems(text)).toEqual([]);
  }, 120_000);

  it('lag in seconds: 0 when caught up, even after an idle gap; the age of the event that waits, not of the last one applied', async () => {
    await waitFor(async () => (await fetch(`${base}/health`)).status === 200, 60_000, 'the projector to become healthy');
    const projection = { projection: 'account-statement' };
    const lag = async (): Promise<{ events?: number; seconds?: number }> => {
      const { text } = await scrapeMetrics(base);
      return { events: sampleValue(text, 'projection_lag_events', projection), seconds: sampleValue(text, 'projection_lag_seconds', projection) };
    };
    const send = async (event: EventEnvelope<KnownEvent>): Promise<void> => {
      await producer.send({ topic: topicForCategory('account', testConfig().kafkaTopicPrefix), acks: -1, messages: [{ key: event.streamId, value: encodeEnvelope(event) }] });
    };
    const caughtUp = async (): Promise<boolean> => {
      const now = await lag();
      return now.events === 0 && now.seconds === 0;
    };
    const accountId = randomUUID();
    await send(accountEvent(accountId, 0));
    await waitFor(caughtUp, 30_000, 'account-statement to catch up');

    // Idle: nothing waits, however long ago the last event came.
    const idleMs = 5_000;
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    expect(await lag()).toEqual({ events: 0, seconds: 0 });

    // One event waits while the consumer is stopped: the lag is its age, not the idle gap's.
    const consumer = app.get(ProjectorService).consumers.find((c) => c.name === 'account-statement')!;
    await consumer.stop();
    const sentAt = Date.now();
    await send(accountEvent(accountId, 1));
    let waiting: { events?: number; seconds?: number } = {};
    await waitFor(async () => {
      waiting = await lag();
      return waiting.events === 1 && waiting.seconds! >= 1;
    }, 30_000, 'the waiting event to be a second old');
    const waited = (Date.now() - sentAt) / 1000;
    expect(waiting.seconds).toBeGreaterThan(0);
    expect(waiting.seconds).toBeLessThanOrEqual(waited * (1 + 1 / 16) + 0.1);
    expect(waiting.seconds).toBeLessThan(idleMs / 1000);

    await consumer.start();
    await waitFor(caughtUp, 30_000, 'account-statement to catch up again');
  }, 120_000);
});
