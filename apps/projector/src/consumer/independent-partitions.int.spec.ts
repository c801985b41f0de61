import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { accountStreamId, encodeEnvelope, topicForCategory, type EventEnvelope, type KnownEvent } from '#events';
import { createKafka } from '#infra/kafka/kafka';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { connectedProducer, ensureTestTopics, startGroupAtEnd, waitFor } from '#infra/testing/kafka-probe';
import { testConfig } from '#infra/testing/test-config';
import { accountStatementProjection } from '../projections/account-statement.projection.js';
import { consumerGroupId, ProjectionConsumer, type ProjectionSink } from './projection-consumer.js';
import { postgresSink } from './sinks.js';

const meta = { correlationId: randomUUID(), causationId: null };
const accountEvent = (accountId: string, revision: number): EventEnvelope<KnownEvent> => {
  const at = new Date().toISOString();
  const common = { eventId: randomUUID(), schemaVersion: 1, streamId: accountStreamId(accountId), streamRevision: revision, globalPosition: String(revision + 1), occurredAt: at, metadata: meta };
  return (revision === 0
    ? { ...common, type: 'AccountOpened', data: { accountId, ownerName: 'Partitions', currency: 'EUR', openedAt: at } }
    : { ...common, type: 'MoneyDeposited', data: { accountId, amount: 10, currency: 'EUR', description: null, depositedAt: at } }) as EventEnvelope<KnownEvent>;
};

/**
 * The real account-statement sink, each apply held 300 ms first: batches of different partitions
 * that are applied at once overlap in that time, and the most seen at once is recorded.
 */
const watched = (sink: ProjectionSink, independentPartitions: boolean) => {
  let now = 0;
  const seen = { most: 0 };
  const wrapped: ProjectionSink = {
    ...sink,
    independentPartitions,
    apply: async (events, keepAlive, signal) => {
      seen.most = Math.max(seen.most, ++now);
      try {
        await new Promise((done) => setTimeout(done, 300));
        return await sink.apply(events, keepAlive, signal);
      } finally {
        now--;
      }
    },
  };
  return { sink: wrapped, seen };
};

/**
 * A projection consumer over the four partitions of the account topic, with events for twelve
 * accounts already waiting in all four: a sink whose rows are its streams' own (PostgreSQL
 * projections) has the partitions' batches applied at once, any other one batch at a time; both
 * leave the same, right, balances.
 */
describe('projection consumer: the partitions of independent streams are applied at once (real Kafka, PostgreSQL)', () => {
  const kafka = createKafka(testConfig(), 'partitions-test');
  const topic = topicForCategory('account', testConfig().kafkaTopicPrefix);
  const partitions = testConfig().kafkaPartitions;
  let pool: Pool;
  let producer: Producer;

  beforeAll(async () => {
    pool = createPool(testConfig(), 10);
    await migrate(pool);
    await ensureTestTopics(kafka);
    producer = await connectedProducer(kafka);
  }, 60_000);
  afterAll(async () => {
    await producer.disconnect();
    await pool.end();
  });

  const run = async (independentPartitions: boolean) => {
    const config = testConfig({ consumerGroupPrefix: `partitions-${randomUUID().slice(0, 8)}` });
    const { sink, seen } = watched(postgresSink(accountStatementProjection, pool), independentPartitions);
    await startGroupAtEnd(kafka, consumerGroupId(config.consumerGroupPrefix, sink.name), topic);
    // Three accounts in each partition, each opened and then given three deposits.
    const accounts = Array.from({ length: 3 * partitions }, (_, i) => ({ id: randomUUID(), partition: i % partitions }));
    await producer.send({
      topic,
      acks: -1,
      messages: accounts.flatMap(({ id, partition }) =>
        [0, 1, 2, 3].map((revision) => ({ partition, key: accountStreamId(id), value: encodeEnvelope(accountEvent(id, revision)) })),
      ),
    });
    const consumer = new ProjectionConsumer(sink, kafka, producer, config);
    await consumer.start();
    try {
      const balances = async () =>
        (await pool.query<{ account_id: string; balance: string; revision: string }>('SELECT account_id, balance, revision FROM account_statement WHERE account_id = ANY($1)', [accounts.map((a) => a.id)])).rows;
      await waitFor(async () => (await balances()).filter((r) => r.revision === '3').length === accounts.length, 60_000, 'every account to reach revision 3');
      expect((await balances()).map((r) => r.balance)).toEqual(accounts.map(() => '30'));
    } finally {
      await consumer.stop();
    }
    return seen.most;
  };

  it('applies the batches of several partitions at once for a PostgreSQL projection', async () => {
    expect(await run(true)).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('applies one batch at a time for a sink that is not independent across partitions', async () => {
    expect(await run(false)).toBe(1);
  }, 120_000);
});
