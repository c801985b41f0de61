import { randomUUID } from 'node:crypto';
import { accountStreamId, decodeEnvelope, topicForCategory, type NewEvent } from '#events';
import { createKafka, ensureTopics } from '../kafka/kafka.js';
import { createPool, type Pool } from '../postgres/pool.js';
import { migrate } from '../postgres/migrate.js';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store.js';
import { startKafkaProbe, waitFor, type ReceivedRecord } from '../testing/kafka-probe.js';
import { Relay } from './relay.js';
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
  const topic = topicForCategory('account');
  let pool: Pool;
  let store: PostgresEventStore;
  const relays: Relay[] = [];
  const newRelay = (): Relay => {
    const relay = new Relay(pool, store, kafka, { batchSize: 200, pollIntervalMs: 200, standbyRetryMs: 200 });
    relays.push(relay);
    return relay;
  };

  beforeAll(async () => {
    pool = createPool(testConfig(), 12);
    await migrate(pool);
    store = new PostgresEventStore(pool);
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, testConfig().kafkaPartitions);
    await admin.disconnect();
  });
  afterAll(async () => {
    await Promise.all(relays.map((r) => r.stop()));
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
});
