import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { accountStreamId, decodeEnvelope, deadLetterTopic, orderStreamId, topicForCategory, type NewEvent } from '#events';
import { createKafka, topicLayout } from '../kafka/kafka.js';
import { createPool, type Pool } from '../postgres/pool.js';
import { migrate } from '../postgres/migrate.js';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store.js';
import { ensureTestTopics, startKafkaProbe, waitFor, type ReceivedRecord } from '../testing/kafka-probe.js';
import { PostgresOutage } from '../testing/postgres-outage.js';
import { Relay, type RelayOptions } from './relay.js';
import { testConfig } from '#infra/testing/test-config';

const meta = { correlationId: randomUUID(), causationId: null };
const opened = (accountId: string): NewEvent => ({
  eventId: randomUUID(), type: 'AccountOpened', schemaVersion: 1, occurredAt: new Date().toISOString(), metadata: meta,
  data: { accountId, ownerName: 'Relay Test', currency: 'EUR', openedAt: new Date().toISOString() },
});
const deposited = (accountId: string, amount: number): NewEvent => ({
  eventId: randomUUID(), type: 'MoneyDeposited', schemaVersion: 1, occurredAt: new Date().toISOString(), metadata: meta,
  data: { accountId, amount, currency: 'EUR', description: null, depositedAt: new Date().toISOString() },
});

describe('Relay: event store → Kafka', () => {
  const kafka = createKafka(testConfig(), 'relay-test');
  const topic = topicForCategory('account', testConfig().kafkaTopicPrefix);
  let pool: Pool;
  let store: PostgresEventStore;
  const relays: Relay[] = [];
  const newRelay = (options: Partial<RelayOptions> & { pool?: Pool; store?: PostgresEventStore; kafka?: Kafka } = {}): Relay => {
    const relay = new Relay(options.pool ?? pool, options.store ?? store, options.kafka ?? kafka, {
      batchSize: 200, pollIntervalMs: 200, standbyRetryMs: 200, topics: topicLayout(testConfig()), ...options,
    });
    relays.push(relay);
    return relay;
  };

  beforeAll(async () => {
    pool = createPool(testConfig(), 12);
    await migrate(pool);
    store = new PostgresEventStore(pool);
    await ensureTestTopics(kafka);
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
  });
  afterAll(async () => {
    await pool.end();
  });

  const appendAccounts = async (accounts: number, deposits: number): Promise<Map<string, string[]>> => {
    const appended = new Map<string, string[]>();
    await Promise.all(
      Array.from({ length: accounts }, async () => {
        const id = randomUUID();
        const stream = accountStreamId(id);
        const ids: string[] = [];
        const first = opened(id);
        await store.append(stream, [first], 'no_stream');
        ids.push(first.eventId);
        for (let i = 0; i < deposits; i++) {
          const e = deposited(id, 100 + i);
          await store.append(stream, [e], i);
          ids.push(e.eventId);
        }
        appended.set(stream, ids);
      }),
    );
    return appended;
  };

  const expectDeliveredInOrder = (records: readonly ReceivedRecord[], appended: Map<string, string[]>): number => {
    const firstSeen = new Map<string, string[]>();
    const seenIds = new Set<string>();
    let duplicates = 0;
    for (const r of records) {
      if (!appended.has(r.key)) continue;
      const envelope = decodeEnvelope(r.value);
      expect(envelope.streamId).toBe(r.key);
      expect(r.headers['eventId']).toBe(envelope.eventId);
      expect(r.headers['type']).toBe(envelope.type);
      expect(r.headers['streamRevision']).toBe(String(envelope.streamRevision));
      if (seenIds.has(envelope.eventId)) {
        duplicates++;
        continue;
      }
      seenIds.add(envelope.eventId);
      firstSeen.set(r.key, [...(firstSeen.get(r.key) ?? []), envelope.eventId]);
    }
    for (const [stream, ids] of appended) expect(firstSeen.get(stream)).toEqual(ids);
    return duplicates;
  };

  const countFor = (records: readonly ReceivedRecord[], appended: Map<string, string[]>): number =>
    new Set(records.filter((r) => appended.has(r.key)).map((r) => r.headers['eventId'])).size;

  it('publishes every appended event once, in stream order, across a relay restart; only one relay is active', async () => {
    const probe = await startKafkaProbe(kafka, [topic]);
    try {
      const first = newRelay();
      const standby = newRelay();
      first.start();
      await waitFor(() => first.status.state === 'active', 20_000, 'the first relay to become active');
      standby.start();
      await waitFor(() => standby.status.state === 'standby', 5_000, 'the second relay to stand by');

      const before = await appendAccounts(20, 20);
      const total = (m: Map<string, string[]>): number => [...m.values()].reduce((n, ids) => n + ids.length, 0);
      await waitFor(() => countFor(probe.records, before) === total(before), 30_000, 'the first batch on Kafka');

      // Restart: the active relay stops while appends go on; the standby takes over from the checkpoint.
      const during = appendAccounts(20, 20);
      await first.stop();
      const afterRestart = await during;
      await waitFor(() => standby.status.state === 'active', 10_000, 'the standby relay to take over');
      await waitFor(() => countFor(probe.records, afterRestart) === total(afterRestart), 30_000, 'the second batch on Kafka');

      const all = new Map([...before, ...afterRestart]);
      const duplicates = expectDeliveredInOrder(probe.records, all);
      expect(duplicates).toBe(0);
      expect(standby.status.published).toBeGreaterThan(0);
    } finally {
      await probe.stop();
    }
  }, 90_000);

  /** Appends deposits to `accounts` fresh streams, one after another per stream, until stopped. */
  const keepAppending = (accounts: number): { stop: () => Promise<Map<string, string[]>> } => {
    const appended = new Map<string, string[]>();
    let stopping = false;
    const running = Promise.all(
      Array.from({ length: accounts }, async () => {
        const id = randomUUID();
        const stream = accountStreamId(id);
        const first = opened(id);
        await store.append(stream, [first], 'no_stream');
        const ids = [first.eventId];
        appended.set(stream, ids);
        while (!stopping) {
          const e = deposited(id, ids.length);
          await store.append(stream, [e], ids.length - 1);
          ids.push(e.eventId);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }),
    );
    return { stop: async () => { stopping = true; await running; return appended; } };
  };
  const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  const sampleStates = (relay: Relay): { seen: Set<string>; stop: () => void } => {
    const seen = new Set<string>();
    const timer = setInterval(() => seen.add(relay.status.state), 5);
    return { seen, stop: () => clearInterval(timer) };
  };

  it('survives losing PostgreSQL (connections cut, logins refused, cut again) and publishes every event in stream order', async () => {
    const outage = new PostgresOutage(testConfig().databaseUrl);
    await outage.prepare();
    const relayPool = createPool({ databaseUrl: outage.url, appName: 'relay-outage-test' }, 4);
    const probe = await startKafkaProbe(kafka, [topic]);
    let appending: ReturnType<typeof keepAppending> | null = null;
    try {
      const relay = newRelay({ pool: relayPool, store: new PostgresEventStore(relayPool) });
      relay.start();
      await waitFor(() => relay.status.state === 'active', 20_000, 'the relay to become active');
      const states = sampleStates(relay);
      appending = keepAppending(8);
      await pause(300);

      // A restart: every connection of the relay is cut and new ones are refused for 3 s.
      await outage.begin();
      const restartEnds = Date.now() + 3_000;
      while (Date.now() < restartEnds) {
        await outage.cut();
        await pause(50);
      }
      expect(relay.status.state).toBe('retrying');
      expect(relay.status.lastError?.message).toEqual(expect.any(String));
      await outage.end();

      // Then connections dropped at random moments: during reads, checkpoints, LISTEN, the lock.
      for (let i = 0; i < 10; i++) {
        await pause(50 + Math.random() * 300);
        await outage.cut();
      }
      const appended = await appending.stop();
      appending = null;

      const total = [...appended.values()].reduce((n, ids) => n + ids.length, 0);
      await waitFor(() => countFor(probe.records, appended) === total, 60_000, `all ${total} events on Kafka`);
      expectDeliveredInOrder(probe.records, appended);
      await waitFor(() => relay.status.state === 'active', 20_000, 'the relay to be active again');
      states.stop();
      expect([...states.seen]).toEqual(expect.arrayContaining(['active', 'retrying']));
    } finally {
      await appending?.stop();
      await probe.stop();
      await outage.close();
      await Promise.all(relays.splice(0).map((r) => r.stop()));
      await relayPool.end();
    }
  }, 120_000);

  const bigOrder = (orderId: string): NewEvent => {
    const items = Array.from({ length: 100 }, (_, i) => ({ sku: `SKU-${i}`.padEnd(64, 'x'), name: `Item ${i} `.padEnd(200, 'n'), quantity: 999_999, unitPrice: 9_999_999 }));
    const now = new Date().toISOString();
    return {
      eventId: randomUUID(), type: 'OrderCreated', schemaVersion: 1, occurredAt: now, metadata: meta,
      data: { orderId, customerId: 'c'.repeat(100), accountId: randomUUID(), currency: 'EUR', items, total: 100 * 999_999 * 9_999_999, createdAt: now },
    };
  };

  it('drains a backlog of 300 orders of ~31 kB each (batched by bytes, not only by count)', async () => {
    const orderTopic = topicForCategory('order', testConfig().kafkaTopicPrefix);
    const probe = await startKafkaProbe(kafka, [orderTopic]);
    try {
      const appended = new Map<string, string[]>();
      await Promise.all(
        Array.from({ length: 300 }, async () => {
          const orderId = randomUUID();
          const event = bigOrder(orderId);
          expect(JSON.stringify(event.data).length).toBeGreaterThan(30_000);
          await store.append(orderStreamId(orderId), [event], 'no_stream');
          appended.set(orderStreamId(orderId), [event.eventId]);
        }),
      );
      const relay = newRelay({ batchSize: 500, maxBatchBytes: testConfig().relayMaxBatchBytes });
      relay.start();
      await waitFor(() => countFor(probe.records, appended) === 300, 60_000, 'the 300 large orders on Kafka');
      expectDeliveredInOrder(probe.records, appended);
      expect(relay.status).toMatchObject({ state: 'active', deadLettered: 0 });
    } finally {
      await probe.stop();
    }
  }, 90_000);

  it('dead-letters an event larger than Kafka accepts, with the error in headers, and publishes the rest', async () => {
    const probe = await startKafkaProbe(kafka, [topic, deadLetterTopic(topic)]);
    try {
      const id = randomUUID();
      const stream = accountStreamId(id);
      const huge: NewEvent = { ...deposited(id, 1), data: { accountId: id, amount: 1, currency: 'EUR', description: 'x'.repeat(2_000_000), depositedAt: new Date().toISOString() } };
      const before = opened(id);
      const after = deposited(id, 2);
      await store.append(stream, [before], 'no_stream');
      await store.append(stream, [huge], 0);
      await store.append(stream, [after], 1);
      const relay = newRelay({ maxBatchBytes: 4_000_000 });
      relay.start();
      await waitFor(() => countFor(probe.records.filter((r) => r.topic === topic), new Map([[stream, []]])) === 2, 60_000, 'the two small events on Kafka');
      await waitFor(() => probe.records.some((r) => r.topic === deadLetterTopic(topic) && r.key === stream), 30_000, 'the dead letter');
      expectDeliveredInOrder(probe.records.filter((r) => r.topic === topic), new Map([[stream, [before.eventId, after.eventId]]]));
      const letter = probe.records.find((r) => r.topic === deadLetterTopic(topic) && r.key === stream);
      expect(letter?.headers).toMatchObject({ eventId: huge.eventId, type: 'MoneyDeposited', streamRevision: '1', 'dlq-error-type': 'MESSAGE_TOO_LARGE', 'dlq-original-topic': topic });
      expect(letter?.headers['dlq-error']).toContain('larger than the max message size');
      expect(relay.status).toMatchObject({ state: 'active', deadLettered: 1 });
    } finally {
      await probe.stop();
    }
  }, 90_000);

  it("tells the truth: retrying with the last error while Kafka can't be reached, standby, stopped, and its lag", async () => {
    const unreachable = new Kafka({ clientId: 'relay-test-unreachable', brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 50 } });
    const failing = newRelay({ kafka: unreachable });
    const states = sampleStates(failing);
    const startedAt = Date.now();
    failing.start();
    await waitFor(() => failing.status.state === 'retrying', 20_000, 'the relay to say it is retrying');
    states.stop();
    expect(states.seen.has('active')).toBe(false);
    expect(failing.status.lastError?.message).toMatch(/connect|ECONNREFUSED/i);
    expect(Date.parse(failing.status.since)).toBeGreaterThanOrEqual(startedAt - 1_000);
    await failing.stop();
    expect(failing.status.state).toBe('stopped');

    const leader = newRelay();
    const standby = newRelay();
    leader.start();
    await waitFor(() => leader.status.state === 'active', 20_000, 'the leader to become active');
    await waitFor(async () => (await leader.lag())?.unpublished === 0, 30_000, 'the leader to catch up');
    standby.start();
    await waitFor(() => standby.status.state === 'standby', 5_000, 'the second relay to stand by');

    await leader.stop();
    expect(leader.status.state).toBe('stopped');
    await waitFor(() => standby.status.state === 'active', 10_000, 'the standby to take over');
    await waitFor(async () => (await standby.lag())?.unpublished === 0, 30_000, 'the new leader to catch up');
    await standby.stop();
    await appendAccounts(1, 4);
    const lag = await standby.lag();
    expect(lag?.unpublished).toBe(5);
    expect(lag?.oldestUnpublishedAgeMs).toBeGreaterThanOrEqual(0);
    expect(lag?.oldestUnpublishedAgeMs).toBeLessThan(60_000);
    expect(lag?.checkpointAgeMs).toEqual(expect.any(Number));
    standby.start();
    await waitFor(async () => (await standby.lag())?.unpublished === 0, 30_000, 'the lag to drain');
    expect((await standby.lag())?.oldestUnpublishedAgeMs).toBeNull();
  }, 120_000);
});
