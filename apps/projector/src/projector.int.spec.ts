import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { accountStreamId, deadLetterTopic, orderStreamId, encodeEnvelope, topicForCategory, type EventEnvelope, type KnownEvent, type NewEvent } from '#events';
import { PostgresEventStore } from '#infra/event-store/postgres/postgres-event-store';
import { createKafka, topicLayout } from '#infra/kafka/kafka';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { Relay } from '#infra/relay/relay';
import { connectedProducer, ensureTestTopics, startGroupAtEnd, startKafkaProbe, waitFor } from '#infra/testing/kafka-probe';
import { consumerGroupId, ProjectionConsumer } from './consumer/projection-consumer.js';
import { postgresSink } from './consumer/sinks.js';
import { accountStatementProjection } from './projections/account-statement.projection.js';
import { orderHistoryProjection } from './projections/order-history.projection.js';
import { ProjectionError } from './projections/projection.js';
import { readModelChecksum } from './rebuild/checksum.js';
import { rebuildInto, rebuildProjection } from './rebuild/rebuild.js';
import { testConfig } from '#infra/testing/test-config';
import type { INestApplication } from '@nestjs/common';
import { bootstrap } from './main.js';

const meta = { correlationId: randomUUID(), causationId: null };
const now = (): string => new Date().toISOString();
const opened = (accountId: string): NewEvent => ({
  eventId: randomUUID(), type: 'AccountOpened', schemaVersion: 1, occurredAt: now(), metadata: meta,
  data: { accountId, ownerName: 'Projector Test', currency: 'EUR', openedAt: now() },
});
const deposited = (accountId: string, amount: number): NewEvent => ({
  eventId: randomUUID(), type: 'MoneyDeposited', schemaVersion: 1, occurredAt: now(), metadata: meta,
  data: { accountId, amount, currency: 'EUR', description: `deposit ${amount}`, depositedAt: now() },
});
/** The envelope a consumer would receive for `event` at `revision` of the account's stream. */
const envelope = (event: NewEvent, revision: number): EventEnvelope<KnownEvent> =>
  ({
    ...event,
    streamId: accountStreamId((event.data as { accountId: string }).accountId),
    streamRevision: revision,
    globalPosition: String(1_000_000 + revision),
  }) as EventEnvelope<KnownEvent>;

describe('projector against PostgreSQL and Kafka', () => {
  const config = testConfig({ consumerGroupPrefix: `it-${randomUUID().slice(0, 8)}` });
  const kafka = createKafka(testConfig(), 'projector-int-test');
  let pool: Pool;
  let store: PostgresEventStore;
  let producer: Producer;

  beforeAll(async () => {
    // A consumer group of its own, so this file never shares offsets with another run.
    pool = createPool(testConfig(), 12);
    await migrate(pool);
    store = new PostgresEventStore(pool);
    await ensureTestTopics(kafka);
    producer = await connectedProducer(kafka);
  });
  afterAll(async () => {
    await producer.disconnect();
    await pool.end();
  });

  describe('apply (idempotent by stream revision)', () => {
    const schema = 'it_projection_apply';
    beforeAll(async () => {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; ${accountStatementProjection.createTables(schema)}`);
    });
    afterAll(async () => {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    });

    const applyInTransaction = async (events: readonly EventEnvelope<KnownEvent>[]) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const outcome = await accountStatementProjection.apply(client, schema, events);
        await client.query('COMMIT');
        return outcome;
      } finally {
        client.release();
      }
    };

    it('applies a batch once; the same batch again, or an older part of it, changes nothing', async () => {
      const id = randomUUID();
      const events = [envelope(opened(id), 0), envelope(deposited(id, 500), 1), envelope(deposited(id, 250), 2)];
      expect(await applyInTransaction(events)).toEqual({ applied: 3, skipped: 0, parked: 0, rejected: [] });
      const before = await readModelChecksum(pool, accountStatementProjection, schema, [id]);

      expect(await applyInTransaction(events)).toEqual({ applied: 0, skipped: 3, parked: 0, rejected: [] });
      expect(await applyInTransaction(events.slice(1, 2))).toEqual({ applied: 0, skipped: 1, parked: 0, rejected: [] });
      expect(await readModelChecksum(pool, accountStatementProjection, schema, [id])).toBe(before);

      const { rows } = await pool.query(`SELECT balance, revision FROM ${schema}.account_statement WHERE account_id = $1`, [id]);
      expect(rows).toEqual([{ balance: '750', revision: '2' }]);
      const lines = await pool.query(`SELECT revision, balance_after FROM ${schema}.account_transactions WHERE account_id = $1 ORDER BY revision`, [id]);
      expect(lines.rows).toEqual([{ revision: '1', balance_after: '500' }, { revision: '2', balance_after: '750' }]);
    });

    it('a redelivery that overlaps new events applies only the new ones', async () => {
      const id = randomUUID();
      const events = [envelope(opened(id), 0), envelope(deposited(id, 100), 1), envelope(deposited(id, 10), 2)];
      await applyInTransaction(events.slice(0, 2));
      expect(await applyInTransaction(events)).toEqual({ applied: 1, skipped: 2, parked: 0, rejected: [] });
      const { rows } = await pool.query(`SELECT balance FROM ${schema}.account_statement WHERE account_id = $1`, [id]);
      expect(rows).toEqual([{ balance: '110' }]);
    });

    it('rejects an event for an account that was never opened, and writes nothing for it', async () => {
      const id = randomUUID();
      const stray = envelope(deposited(id, 100), 0);
      const outcome = await applyInTransaction([stray]);
      expect(outcome.applied).toBe(0);
      expect(outcome.rejected).toHaveLength(1);
      expect(outcome.rejected[0]?.error).toBeInstanceOf(ProjectionError);
      expect(outcome.rejected[0]?.event.eventId).toBe(stray.eventId);
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${schema}.account_transactions WHERE account_id = $1`, [id]);
      expect(rows[0].n).toBe(0);
    });

    const parkedIn = async (id: string) =>
      (await pool.query(`SELECT expected_revision, seen_revision, jsonb_array_length(waiting) AS waiting FROM ${schema}.account_statement_parked_streams WHERE stream_id = $1`, [accountStreamId(id)])).rows;
    const balanceIn = async (id: string) => (await pool.query(`SELECT balance, revision FROM ${schema}.account_statement WHERE account_id = $1`, [id])).rows;

    it('parks a stream at a gap, applies nothing more of it, and applies what waited once the missing event comes', async () => {
      const id = randomUUID();
      const [open, first, second, third] = [envelope(opened(id), 0), envelope(deposited(id, 500), 1), envelope(deposited(id, 250), 2), envelope(deposited(id, 5), 3)];
      expect(await applyInTransaction([open, second])).toEqual({ applied: 1, skipped: 0, parked: 1, rejected: [] });
      expect(await applyInTransaction([third])).toEqual({ applied: 0, skipped: 0, parked: 1, rejected: [] });
      expect(await applyInTransaction([second])).toEqual({ applied: 0, skipped: 0, parked: 1, rejected: [] }); // a redelivery waits once
      expect(await balanceIn(id)).toEqual([{ balance: '0', revision: '0' }]);
      expect(await parkedIn(id)).toEqual([{ expected_revision: '1', seen_revision: '2', waiting: 2 }]);

      expect(await applyInTransaction([first])).toEqual({ applied: 3, skipped: 0, parked: 0, rejected: [] });
      expect(await balanceIn(id)).toEqual([{ balance: '755', revision: '3' }]);
      expect(await parkedIn(id)).toEqual([]);
      const lines = await pool.query(`SELECT revision, balance_after FROM ${schema}.account_transactions WHERE account_id = $1 ORDER BY revision`, [id]);
      expect(lines.rows).toEqual([{ revision: '1', balance_after: '500' }, { revision: '2', balance_after: '750' }, { revision: '3', balance_after: '755' }]);
    });

    it('parks a new stream whose first event is not revision 0, and a stream whose next event was rejected', async () => {
      const late = randomUUID();
      expect(await applyInTransaction([envelope(deposited(late, 100), 1)])).toMatchObject({ applied: 0, parked: 1, rejected: [] });
      expect(await parkedIn(late)).toEqual([{ expected_revision: '0', seen_revision: '1', waiting: 1 }]);
      expect(await applyInTransaction([envelope(opened(late), 0)])).toMatchObject({ applied: 2, parked: 0 });
      expect(await balanceIn(late)).toEqual([{ balance: '100', revision: '1' }]);

      const twice = randomUUID();
      const outcome = await applyInTransaction([envelope(opened(twice), 0), envelope(opened(twice), 1), envelope(deposited(twice, 7), 2)]);
      expect(outcome).toMatchObject({ applied: 1, parked: 1 });
      expect(outcome.rejected.map((r) => r.event.streamRevision)).toEqual([1]);
      expect(await parkedIn(twice)).toEqual([{ expected_revision: '1', seen_revision: '2', waiting: 1 }]);
    });
  });

  describe("a rebuild's builder writes balances behind", () => {
    const live = 'it_builder_live';
    const built = 'it_builder_built';
    beforeEach(async () => {
      for (const schema of [live, built]) {
        await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; ${accountStatementProjection.createTables(schema)}`);
      }
    });
    afterAll(async () => {
      await pool.query(`DROP SCHEMA IF EXISTS ${live} CASCADE; DROP SCHEMA IF EXISTS ${built} CASCADE`);
    });

    /** 30 accounts opened, then three pages of deposits that come back to every account, in log order. */
    const pages = (): EventEnvelope<KnownEvent>[][] => {
      const ids = Array.from({ length: 30 }, () => randomUUID());
      const deposits = (round: number): EventEnvelope<KnownEvent>[] => ids.map((id, i) => envelope(deposited(id, 10 * (i + 1) + round), round));
      return [ids.map((id) => envelope(opened(id), 0)), deposits(1), deposits(2), deposits(3)];
    };
    const count = async (schema: string, table: string): Promise<number> =>
      (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.${table}`)).rows[0]!.n;

    /** The pages applied as the live consumer applies them, and by a builder holding at most `heldWeight`. */
    const buildBoth = async (heldWeight: number): Promise<{ beforeFlush: number }> => {
      const client = await pool.connect();
      try {
        const builder = accountStatementProjection.builder(client, built, heldWeight);
        for (const page of pages()) {
          expect(await accountStatementProjection.apply(client, live, page)).toMatchObject({ applied: 30, skipped: 0, rejected: [] });
          expect(await builder.apply(page)).toMatchObject({ applied: 30, skipped: 0, rejected: [] });
        }
        const beforeFlush = await count(built, 'account_statement');
        await builder.flush();
        return { beforeFlush };
      } finally {
        client.release();
      }
    };

    it('holds every balance until flush, writes each once, and ends equal to the live projection', async () => {
      const { beforeFlush } = await buildBoth(1_000);
      expect(beforeFlush).toBe(0); // nothing written behind yet: each balance changed on every page
      expect(await count(built, 'account_transactions')).toBe(90); // the statement lines go with their page
      expect(await readModelChecksum(pool, accountStatementProjection, built)).toBe(await readModelChecksum(pool, accountStatementProjection, live));
    });

    it('past its weight writes the least recently changed out and reads them back when their stream goes on', async () => {
      const { beforeFlush } = await buildBoth(10);
      expect(beforeFlush).toBeGreaterThanOrEqual(20); // evicted while the pages went by
      expect(await readModelChecksum(pool, accountStatementProjection, built)).toBe(await readModelChecksum(pool, accountStatementProjection, live));
    });
  });

  describe('order history: the same rule', () => {
    const schema = 'it_order_history_gaps';
    beforeAll(async () => {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; ${orderHistoryProjection.createTables(schema)}`);
    });
    afterAll(async () => {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    });

    it('keeps a shipment that came before the payment waiting until the payment is applied', async () => {
      const orderId = randomUUID();
      const streamId = orderStreamId(orderId);
      const base = { schemaVersion: 1, streamId, occurredAt: now(), metadata: meta };
      const created = { ...base, eventId: randomUUID(), type: 'OrderCreated', streamRevision: 0, globalPosition: '1',
        data: { orderId, customerId: randomUUID(), accountId: randomUUID(), currency: 'EUR', items: [{ sku: 'S', name: 'N', quantity: 1, unitPrice: 10 }], total: 10, createdAt: now() } };
      const paid = { ...base, eventId: randomUUID(), type: 'OrderPaid', streamRevision: 1, globalPosition: '2', data: { orderId, accountId: randomUUID(), amount: 10, paidAt: now() } };
      const shipped = { ...base, eventId: randomUUID(), type: 'OrderShipped', streamRevision: 2, globalPosition: '3', data: { orderId, shippedAt: now() } };
      const apply = async (events: readonly object[]) => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const outcome = await orderHistoryProjection.apply(client, schema, events as EventEnvelope<KnownEvent>[]);
          await client.query('COMMIT');
          return outcome;
        } finally {
          client.release();
        }
      };
      const row = async () => (await pool.query(`SELECT status, payment_status, revision FROM ${schema}.order_history WHERE order_id = $1`, [orderId])).rows;
      expect(await apply([created, shipped])).toMatchObject({ applied: 1, parked: 1 });
      expect(await row()).toEqual([{ status: 'created', payment_status: 'pending', revision: '0' }]);
      expect(await apply([paid])).toMatchObject({ applied: 2, parked: 0 });
      expect(await row()).toEqual([{ status: 'shipped', payment_status: 'paid', revision: '2' }]);
      expect((await pool.query(`SELECT count(*)::int AS n FROM ${schema}.order_history_parked_streams`)).rows).toEqual([{ n: 0 }]);
    });
  });

  describe('consumer: poison events go to the dead-letter topic and consumption goes on', () => {
    const topic = topicForCategory('account', testConfig().kafkaTopicPrefix);
    let consumer: ProjectionConsumer;
    afterAll(async () => {
      await consumer?.stop();
    });

    it('dead-letters bad JSON, an unknown type, an invalid payload and an unappliable event; applies the good ones around them', async () => {
      const probe = await startKafkaProbe(kafka, [deadLetterTopic(topic)]);
      const id = randomUUID();
      const key = accountStreamId(id);
      const good = [envelope(opened(id), 0), envelope(deposited(id, 700), 1)];
      const unknownType = { ...envelope(deposited(id, 1), 2), type: 'MoneyTeleported' };
      const invalidPayload = envelope(deposited(id, 1), 2);
      (invalidPayload.data as { amount: number }).amount = -5;
      const neverOpened = envelope(deposited(randomUUID(), 9), 0);
      const poison = ['{not json', encodeEnvelope(unknownType), encodeEnvelope(invalidPayload)];
      await producer.send({
        topic,
        acks: -1,
        messages: [
          { key, value: encodeEnvelope(good[0]!) },
          ...poison.map((value) => ({ key, value })),
          { key: neverOpened.streamId, value: encodeEnvelope(neverOpened) },
          { key, value: encodeEnvelope(good[1]!) },
        ],
      });

      consumer = new ProjectionConsumer(postgresSink(accountStatementProjection, pool), kafka, producer, config);
      await consumer.start();

      await waitFor(async () => {
        const { rows } = await pool.query('SELECT revision FROM account_statement WHERE account_id = $1', [id]);
        return rows[0]?.revision === '1';
      }, 60_000, 'the good events to be applied');
      const { rows } = await pool.query('SELECT balance FROM account_statement WHERE account_id = $1', [id]);
      expect(rows).toEqual([{ balance: '700' }]);

      const ours = () => probe.records.filter((r) => r.key === key || r.key === neverOpened.streamId);
      await waitFor(() => ours().length >= 4, 30_000, 'four dead letters');
      await probe.stop();
      // Order holds per key (one partition); the stray event has a key, and so a partition, of its own.
      const letters = ours().filter((r) => r.key === key);
      const stray = ours().filter((r) => r.key === neverOpened.streamId);
      expect(letters.map((l) => l.value)).toEqual(poison);
      expect(letters.map((l) => l.headers['dlq-error-type'])).toEqual(['PoisonEventError', 'PoisonEventError', 'PoisonEventError']);
      expect(letters[0]?.headers['dlq-error']).toBe('Message is not JSON');
      expect(letters[1]?.headers['dlq-error']).toContain('Unknown event type "MoneyTeleported"');
      expect(letters[2]?.headers['dlq-error']).toContain('Invalid MoneyDeposited payload');
      expect(letters[2]?.headers['dlq-error']).toContain('amount');
      expect(stray.map((l) => l.value)).toEqual([encodeEnvelope(neverOpened)]);
      expect(stray[0]?.headers['dlq-error-type']).toBe('ProjectionError');
      expect(stray[0]?.headers['dlq-error']).toContain('never opened');
      for (const l of [...letters, ...stray]) {
        expect(l.headers['dlq-original-topic']).toBe(topic);
        expect(l.headers['dlq-projection']).toBe('account-statement');
        expect(Number(l.headers['dlq-original-offset'])).toBeGreaterThanOrEqual(0);
      }

      // Offsets were committed past everything consumed, so a restart does not redo (or re-dead-letter) it.
      const partition = Number(letters[0]!.headers['dlq-original-partition']);
      const committedOffset = async (): Promise<{ committed: string; end: string }> => {
        const admin = kafka.admin();
        await admin.connect();
        try {
          const [group] = await admin.fetchOffsets({ groupId: consumerGroupId(config.consumerGroupPrefix, 'account-statement'), topics: [topic] });
          const ends = await admin.fetchTopicOffsets(topic);
          return {
            committed: group!.partitions.find((p) => p.partition === partition)!.offset,
            end: ends.find((e) => e.partition === partition)!.offset,
          };
        } finally {
          await admin.disconnect();
        }
      };
      await waitFor(async () => {
        const { committed, end } = await committedOffset();
        return committed === end;
      }, 10_000, `the committed offset to reach the end of partition ${partition}`);
    }, 120_000);
  });

  describe('consumer: a dead-lettered event parks its stream until a rebuild fills the gap', () => {
    const topic = topicForCategory('account', testConfig().kafkaTopicPrefix);
    let consumer: ProjectionConsumer;
    afterAll(async () => {
      await consumer?.stop();
    });

    it('does not apply a later deposit over the missing one; the rebuild applies both and unparks', async () => {
      const id = randomUUID();
      const key = accountStreamId(id);
      const events = [opened(id), deposited(id, 500), deposited(id, 250)];
      await store.append(key, events, 'no_stream');
      // What reaches Kafka: the opening, the first deposit damaged in transit (invalid payload), the second deposit.
      const damaged = envelope(events[1]!, 1);
      (damaged.data as { amount: number }).amount = -500;
      await producer.send({
        topic,
        acks: -1,
        messages: [envelope(events[0]!, 0), damaged, envelope(events[2]!, 2)].map((e) => ({ key, value: encodeEnvelope(e) })),
      });
      consumer = new ProjectionConsumer(postgresSink(accountStatementProjection, pool), kafka, producer, config);
      await consumer.start();

      const parked = async () =>
        (await pool.query('SELECT expected_revision, seen_revision FROM account_statement_parked_streams WHERE stream_id = $1', [key])).rows;
      await waitFor(async () => (await parked()).length > 0, 60_000, 'the stream to be parked');
      expect(await parked()).toEqual([{ expected_revision: '1', seen_revision: '2' }]);
      const balance = async () => (await pool.query('SELECT balance, revision FROM account_statement WHERE account_id = $1', [id])).rows;
      expect(await balance()).toEqual([{ balance: '0', revision: '0' }]);

      await rebuildProjection(accountStatementProjection, { pool, store, batchSize: 2_000 });
      expect(await balance()).toEqual([{ balance: '750', revision: '2' }]);
      expect(await parked()).toEqual([]);
    }, 180_000);
  });

  describe('a projector started while Kafka or Elasticsearch cannot be reached', () => {
    let app: INestApplication | undefined;
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });
    const base = (): string => `http://127.0.0.1:${(app!.getHttpServer().address() as { port: number }).port}`;
    const health = async (): Promise<{ status: number; body: Record<string, unknown> }> => {
      const response = await fetch(`${base()}/health`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const attempts = (detail: unknown): number => (detail as { attempts?: number } | undefined)?.attempts ?? 0;

    it('boots, answers 503 naming Kafka, and keeps trying', async () => {
      app = await bootstrap(testConfig({ projectorPort: 0, kafkaBrokers: ['127.0.0.1:9'], projections: ['account-statement'], consumerGroupPrefix: `down-${randomUUID().slice(0, 8)}` }));
      await waitFor(async () => attempts((await health()).body.kafka) >= 1, 30_000, 'a first attempt to reach Kafka');
      const first = await health();
      expect(first.status).toBe(503);
      expect(JSON.stringify(first.body.kafka)).toMatch(/127\.0\.0\.1:9|ECONNREFUSED|Connection/);
      expect(first.body.consumers).toMatchObject({ 'account-statement': expect.objectContaining({ running: false }) as unknown });
      const seen = attempts(first.body.kafka);
      await waitFor(async () => attempts((await health()).body.kafka) > seen + 1, 30_000, 'more attempts to reach Kafka');
      expect((await health()).status).toBe(503);
    }, 60_000);

    it('boots, answers 503 naming Elasticsearch, and keeps trying', async () => {
      app = await bootstrap(testConfig({ projectorPort: 0, elasticsearchUrl: 'http://127.0.0.1:9', projections: ['order-search'], consumerGroupPrefix: `down-${randomUUID().slice(0, 8)}` }));
      await waitFor(async () => attempts((await health()).body.elasticsearch) >= 2, 30_000, 'attempts to reach Elasticsearch');
      const { status, body } = await health();
      expect(status).toBe(503);
      expect(JSON.stringify(body.elasticsearch)).toMatch(/ECONNREFUSED|connect/i);
    }, 60_000);

    it('with Kafka reachable becomes healthy by itself and shows its parked streams', async () => {
      const groupPrefix = `up-${randomUUID().slice(0, 8)}`;
      // Its group starts at the end of the shared topic: earlier runs' events are not its business.
      await startGroupAtEnd(kafka, consumerGroupId(groupPrefix, 'account-statement'), topicForCategory('account', testConfig().kafkaTopicPrefix));
      app = await bootstrap(testConfig({ projectorPort: 0, projections: ['account-statement'], consumerGroupPrefix: groupPrefix }));
      await waitFor(async () => (await health()).status === 200, 60_000, 'the projector to become healthy');
      const { body } = await health();
      expect(body.parked).toEqual({ 'account-statement': expect.any(Number) as unknown });
      const metrics = await (await fetch(`${base()}/metrics`)).text();
      expect(metrics).toMatch(/^projection_parked_streams\{[^}]*projection="account-statement"[^}]*\} \d+$/m);
    }, 90_000);
  });

  describe('rebuild while commands keep flowing', () => {
    const relay = (): Relay => new Relay(pool, store, kafka, { batchSize: 200, pollIntervalMs: 100, standbyRetryMs: 200, topics: topicLayout(testConfig()) });
    let running: Relay;
    let consumer: ProjectionConsumer;
    let stop = false;
    let writers: Promise<void>[] = [];
    afterAll(async () => {
      stop = true;
      await Promise.allSettled(writers);
      await consumer?.stop();
      await running?.stop();
      await pool.query('DROP SCHEMA IF EXISTS it_scratch CASCADE');
    });

    it('swaps in a read model equal to a from-scratch rebuild, with the live consumer catching up after it', async () => {
      running = relay();
      running.start();
      consumer = new ProjectionConsumer(postgresSink(accountStatementProjection, pool), kafka, producer, config);
      await consumer.start();

      const accounts = Array.from({ length: 20 }, () => randomUUID());
      const revisions = new Map<string, number>();
      await Promise.all(accounts.map(async (id) => {
        await store.append(accountStreamId(id), [opened(id)], 'no_stream');
        revisions.set(id, 0);
      }));
      let appended = 0;
      writers = accounts.map(async (id) => {
        while (!stop) {
          const batch = Array.from({ length: 2 }, (_, i) => deposited(id, 1 + ((appended + i) % 97)));
          const result = await store.append(accountStreamId(id), batch, revisions.get(id)!);
          revisions.set(id, result.nextRevision);
          appended += batch.length;
          await new Promise((resolve) => setTimeout(resolve, 40)); // a steady few hundred events/s
        }
      });

      await waitFor(() => appended >= 2_000, 60_000, 'a backlog before the rebuild');
      const atStart = appended;
      const result = await rebuildProjection(accountStatementProjection, { pool, store, batchSize: 500 });
      const duringRebuild = appended - atStart;
      await new Promise((resolve) => setTimeout(resolve, 500));
      stop = true;
      await Promise.all(writers);

      expect(result.read).toBeGreaterThanOrEqual(atStart);
      expect(result.rejected).toBe(0);
      expect(duringRebuild).toBeGreaterThan(0); // commands really did flow while it rebuilt
      const state = await pool.query("SELECT status, rebuilt_at FROM projection_state WHERE name = 'account-statement'");
      expect(state.rows[0]?.status).toBe('live');
      expect(state.rows[0]?.rebuilt_at).not.toBeNull();
      const leftovers = await pool.query("SELECT nspname FROM pg_namespace WHERE nspname IN ('rebuild_account_statement', 'retired_account_statement')");
      expect(leftovers.rows).toEqual([]);

      // The live consumer catches up on the swapped-in tables: every stream at its last revision.
      await waitFor(async () => {
        const { rows } = await pool.query<{ account_id: string; revision: string }>(
          'SELECT account_id, revision FROM account_statement WHERE account_id = ANY($1)', [accounts]);
        return rows.length === accounts.length && rows.every((r) => Number(r.revision) === revisions.get(r.account_id));
      }, 60_000, 'the live consumer to catch up after the swap');

      await rebuildInto(accountStatementProjection, 'it_scratch', { pool, store });
      const live = await readModelChecksum(pool, accountStatementProjection, 'public', accounts);
      const scratch = await readModelChecksum(pool, accountStatementProjection, 'it_scratch', accounts);
      expect(live).toBe(scratch);
      const lines = await pool.query('SELECT count(*)::int AS n FROM account_transactions WHERE account_id = ANY($1)', [accounts]);
      expect(lines.rows[0].n).toBe([...revisions.values()].reduce((sum, r) => sum + r, 0));
    }, 180_000);
  });
});
