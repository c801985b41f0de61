import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Partitioners, type Producer } from 'kafkajs';
import { accountStreamId, encodeEnvelope, topicForCategory, type EventEnvelope, type KnownEvent } from '#events';
import { deadLetterTopics, listDeadLetters, purgeDeadLetters, retryDeadLetters } from '#infra/kafka/dead-letters';
import { createKafka, ensureTopics } from '#infra/kafka/kafka';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { waitFor } from '#infra/testing/kafka-probe';
import { accountStatementProjection } from '../projections/account-statement.projection.js';
import { consumerGroupId, ProjectionConsumer } from './projection-consumer.js';
import { postgresSink } from './sinks.js';
import { configEnvironment, testConfig } from '#infra/testing/test-config';

const CLI = resolve(fileURLToPath(new URL('../../../..', import.meta.url)), 'dist/apps/projector/src/cli/cli.js');
const meta = { correlationId: randomUUID(), causationId: null };
const at = (accountId: string, revision: number, type: string, data: object): EventEnvelope<KnownEvent> =>
  ({ eventId: randomUUID(), type, schemaVersion: 1, streamId: accountStreamId(accountId), streamRevision: revision, globalPosition: String(revision + 1), occurredAt: new Date().toISOString(), data, metadata: meta }) as EventEnvelope<KnownEvent>;

describe('dead-letter tooling: list, retry through the idempotent path, purge', () => {
  const config = testConfig({ consumerGroupPrefix: `dlq-${randomUUID().slice(0, 8)}` });
  const groupPrefix = config.consumerGroupPrefix;
  const kafka = createKafka(testConfig(), 'dlq-tool-test');
  const topic = topicForCategory('account');
  let pool: Pool;
  let producer: Producer;
  let consumer: ProjectionConsumer;

  beforeAll(async () => {
    pool = createPool(testConfig(), 4);
    await migrate(pool);
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, testConfig().kafkaPartitions);
    // This test's consumer starts at the end of the topic, so earlier tests' poison is not ours.
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId: consumerGroupId(config.consumerGroupPrefix, 'account-statement'), topic, partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })) });
    await admin.disconnect();
    await purgeDeadLetters(kafka, topic); // start from an empty dead-letter topic
    producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    consumer = new ProjectionConsumer(postgresSink(accountStatementProjection, pool), kafka, producer, config);
    await consumer.start();
  }, 60_000);
  afterAll(async () => {
    await consumer?.stop();
    await producer.disconnect();
    await pool.end();
  });

  const balance = async (accountId: string): Promise<{ balance: string; revision: string } | undefined> =>
    (await pool.query<{ balance: string; revision: string }>('SELECT balance, revision FROM account_statement WHERE account_id = $1', [accountId])).rows[0];

  it('a dead letter that can be applied now is retried once, applied once, and then purged', async () => {
    const accountId = randomUUID();
    const key = accountStreamId(accountId);
    // The deposit arrives for an account the read model does not know yet: dead-lettered.
    const deposit = at(accountId, 1, 'MoneyDeposited', { accountId, amount: 250, currency: 'EUR', description: null, depositedAt: new Date().toISOString() });
    await producer.send({ topic, acks: -1, messages: [{ key, value: encodeEnvelope(deposit) }] });
    await waitFor(async () => (await listDeadLetters(kafka, topic, { groupPrefix })).some((l) => l.key === key), 30_000, 'the deposit to be dead-lettered');
    const [letter] = (await listDeadLetters(kafka, topic, { groupPrefix })).filter((l) => l.key === key);
    expect(letter?.headers['dlq-error']).toContain('never opened');
    expect(letter?.headers['dlq-original-topic']).toBe(topic);

    if (existsSync(CLI)) {
      const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'dlq', 'list', topic], { env: configEnvironment(config) });
      expect(stdout).toContain(key);
      expect(stdout).toContain('never opened');
    }

    // The account is opened afterwards; now the dead letter can be applied.
    await producer.send({ topic, acks: -1, messages: [{ key, value: encodeEnvelope(at(accountId, 0, 'AccountOpened', { accountId, ownerName: 'Late', currency: 'EUR', openedAt: new Date().toISOString() })) }] });
    await waitFor(async () => (await balance(accountId))?.revision === '0', 30_000, 'the account to be opened');

    expect(await retryDeadLetters(kafka, deadLetterTopics(topic).dlq, { groupPrefix })).toBe(1);
    await waitFor(async () => (await balance(accountId))?.revision === '1', 30_000, 'the retried deposit to be applied');
    expect(await balance(accountId)).toEqual({ balance: '250', revision: '1' });

    // Retried once: a second retry sends nothing, and a replay of the same deposit changes nothing.
    expect(await listDeadLetters(kafka, topic, { groupPrefix })).toEqual([]);
    expect(await retryDeadLetters(kafka, topic, { groupPrefix })).toBe(0);
    await producer.send({ topic, acks: -1, messages: [{ key, value: encodeEnvelope(deposit) }] });
    // A later event on the same stream (so the same partition, after the replay) shows the replay was skipped.
    await producer.send({ topic, acks: -1, messages: [{ key, value: encodeEnvelope(at(accountId, 2, 'MoneyDeposited', { accountId, amount: 5, currency: 'EUR', description: null, depositedAt: new Date().toISOString() })) }] });
    await waitFor(async () => (await balance(accountId))?.revision === '2', 30_000, 'the next deposit to be applied');
    expect(await balance(accountId)).toEqual({ balance: '255', revision: '2' });

    expect((await listDeadLetters(kafka, topic, { all: true, groupPrefix })).length).toBeGreaterThan(0);
    expect(await purgeDeadLetters(kafka, topic)).toBeGreaterThan(0);
    expect(await listDeadLetters(kafka, topic, { all: true, groupPrefix })).toEqual([]);
  }, 120_000);
});
