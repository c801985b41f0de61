import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Producer } from 'kafkajs';
import { accountStreamId, encodeEnvelope, topicForCategory, type EventEnvelope, type KnownEvent } from '#events';
import { deadLetterTopics, listDeadLetters, purgeDeadLetters, retryDeadLetters } from '#infra/kafka/dead-letters';
import { createKafka } from '#infra/kafka/kafka';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { connectedProducer, ensureTestTopics, startGroupAtEnd, waitFor } from '#infra/testing/kafka-probe';
import { accountStatementProjection } from '../projections/account-statement.projection.js';
import { listProjections } from '../cli/projections-list.js';
import { ProjectionError } from '../projections/projection.js';
import { consumerGroupId, ProjectionConsumer, type ProjectionSink } from './projection-consumer.js';
import { postgresSink } from './sinks.js';
import { configEnvironment, testConfig } from '#infra/testing/test-config';

const CLI = resolve(fileURLToPath(new URL('../../../..', import.meta.url)), 'dist/apps/projector/src/cli/cli.js');
const meta = { correlationId: randomUUID(), causationId: null };
const at = (accountId: string, revision: number, type: string, data: object): EventEnvelope<KnownEvent> =>
  ({ eventId: randomUUID(), type, schemaVersion: 1, streamId: accountStreamId(accountId), streamRevision: revision, globalPosition: String(revision + 1), occurredAt: new Date().toISOString(), data, metadata: meta }) as EventEnvelope<KnownEvent>;

/** The projection as it was when it rejected some events (a bug since fixed): each of them is rejected the first time only. */
const rejectingOnce = (sink: ProjectionSink, eventIds: Set<string>): ProjectionSink => ({
  ...sink,
  apply: async (events, keepAlive, signal) => {
    const bad = events.filter((e) => eventIds.delete(e.eventId));
    const outcome = await sink.apply(events.filter((e) => !bad.includes(e)), keepAlive, signal);
    return { ...outcome, rejected: [...outcome.rejected, ...bad.map((event) => ({ event, error: new ProjectionError('Rejected by a projection bug, since fixed') }))] };
  },
});

describe('dead-letter tooling: list, retry through the idempotent path, purge', () => {
  const config = testConfig({ consumerGroupPrefix: `dlq-${randomUUID().slice(0, 8)}` });
  const groupPrefix = config.consumerGroupPrefix;
  const kafka = createKafka(testConfig(), 'dlq-tool-test');
  const topic = topicForCategory('account', testConfig().kafkaTopicPrefix);
  let pool: Pool;
  let producer: Producer;
  let consumer: ProjectionConsumer;
  const rejectOnce = new Set<string>();

  beforeAll(async () => {
    pool = createPool(testConfig(), 4);
    await migrate(pool);
    await ensureTestTopics(kafka);
    // This test's consumer starts at the end of the topic, so earlier tests' poison is not ours.
    await startGroupAtEnd(kafka, consumerGroupId(config.consumerGroupPrefix, 'account-statement'), topic);
    await purgeDeadLetters(kafka, topic); // start from an empty dead-letter topic
    producer = await connectedProducer(kafka);
    consumer = new ProjectionConsumer(rejectingOnce(postgresSink(accountStatementProjection, pool), rejectOnce), kafka, producer, config);
    await consumer.start();
  }, 60_000);
  afterAll(async () => {
    await consumer?.stop();
    await producer.disconnect();
    await pool.end();
  });

  const balance = async (accountId: string): Promise<{ balance: string; revision: string } | undefined> =>
    (await pool.query<{ balance: string; revision: string }>('SELECT balance, revision FROM account_statement WHERE account_id = $1', [accountId])).rows[0];

  const parked = async (accountId: string) =>
    (await pool.query('SELECT expected_revision, seen_revision FROM account_statement_parked_streams WHERE stream_id = $1', [accountStreamId(accountId)])).rows;

  it('a dead-lettered deposit parks its account; retried, it is applied once, then what waited, and the letters are purged', async () => {
    const accountId = randomUUID();
    const key = accountStreamId(accountId);
    const deposit = at(accountId, 1, 'MoneyDeposited', { accountId, amount: 250, currency: 'EUR', description: null, depositedAt: new Date().toISOString() });
    rejectOnce.add(deposit.eventId);
    await producer.send({ topic, acks: -1, messages: [{ key, value: encodeEnvelope(at(accountId, 0, 'AccountOpened', { accountId, ownerName: 'Late', currency: 'EUR', openedAt: new Date().toISOString() })) }, { key, value: encodeEnvelope(deposit) }] });
    await waitFor(async () => (await listDeadLetters(kafka, topic, { groupPrefix })).some((l) => l.key === key), 30_000, 'the deposit to be dead-lettered');
    const [letter] = (await listDeadLetters(kafka, topic, { groupPrefix })).filter((l) => l.key === key);
    expect(letter?.headers['dlq-error']).toContain('since fixed');
    expect(letter?.headers['dlq-original-topic']).toBe(topic);

    if (existsSync(CLI)) {
      const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'dlq', 'list', topic], { env: configEnvironment(config) });
      expect(stdout).toContain(key);
      expect(stdout).toContain('since fixed');
    }

    // The next deposit must not be applied over the missing one: the account is parked at revision 1.
    await producer.send({ topic, acks: -1, messages: [{ key, value: encodeEnvelope(at(accountId, 2, 'MoneyDeposited', { accountId, amount: 5, currency: 'EUR', description: null, depositedAt: new Date().toISOString() })) }] });
    await waitFor(async () => (await parked(accountId)).length > 0, 30_000, 'the account to be parked');
    expect(await parked(accountId)).toEqual([{ expected_revision: '1', seen_revision: '2' }]);
    expect(await balance(accountId)).toEqual({ balance: '0', revision: '0' });

    const listed = (await listProjections(config, pool)).find((p) => p.name === 'account-statement');
    expect(listed?.parked).toBeGreaterThanOrEqual(1);
    if (existsSync(CLI)) {
      const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'projections', 'list'], { env: configEnvironment(config) });
      expect(stdout).toContain('parked');
    }

    expect(await retryDeadLetters(kafka, deadLetterTopics(topic).dlq, { groupPrefix })).toBe(1);
    await waitFor(async () => (await balance(accountId))?.revision === '2', 30_000, 'the retried deposit and the one that waited to be applied');
    expect(await balance(accountId)).toEqual({ balance: '255', revision: '2' });
    expect(await parked(accountId)).toEqual([]);

    // Retried once: a second retry sends nothing, and a replay of the same deposit changes nothing.
    expect(await listDeadLetters(kafka, topic, { groupPrefix })).toEqual([]);
    expect(await retryDeadLetters(kafka, topic, { groupPrefix })).toBe(0);
    await producer.send({ topic, acks: -1, messages: [{ key, value: encodeEnvelope(deposit) }] });
    // A later event on the same stream (so the same partition, after the replay) shows the replay was skipped.
    await producer.send({ topic, acks: -1, messages: [{ key, value: encodeEnvelope(at(accountId, 3, 'MoneyDeposited', { accountId, amount: 1, currency: 'EUR', description: null, depositedAt: new Date().toISOString() })) }] });
    await waitFor(async () => (await balance(accountId))?.revision === '3', 30_000, 'the next deposit to be applied');
    expect(await balance(accountId)).toEqual({ balance: '256', revision: '3' });

    expect((await listDeadLetters(kafka, topic, { all: true, groupPrefix })).length).toBeGreaterThan(0);
    expect(await purgeDeadLetters(kafka, topic)).toBeGreaterThan(0);
    expect(await listDeadLetters(kafka, topic, { all: true, groupPrefix })).toEqual([]);
  }, 120_000);
});
