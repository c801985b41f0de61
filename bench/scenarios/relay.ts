import { CompressionTypes, type TopicMessages } from 'kafkajs';
import { config } from '../lib/config.js';
import { START_OF_LOG, type LogPosition } from '#eventsourcing';
import { PostgresEventStore } from '#infra/event-store/postgres/postgres-event-store';
import { createKafka, ensureTopics, topicLayout } from '#infra/kafka/kafka';
import type { Pool } from '#infra/postgres/pool';
import { rawToTopicMessages } from '#infra/relay/kafka-message';
import { connectRelayProducer } from '#infra/relay/produce-policy';
import { Relay } from '#infra/relay/relay';
import { deleteTopics } from '../lib/kafka.js';
import { quietMachine, settleStoredLog } from '../lib/quiet.js';
import type { Figure } from '../lib/report.js';
import { secondsSince, sleep } from '../lib/stats.js';
import { generateEvents, storeGenerated } from '../lib/workload.js';
import type { BenchContext } from './store-append.js';

const RAW_PREFIX = 'bench.raw.';

/**
 * Scenario 4: a backlog of stored events published to Kafka by the relay, from its start until
 * the last event is acknowledged. Baseline: the same messages (built by the same function, in the
 * same batches) produced with raw kafkajs and the same producer settings (idempotent, one request
 * in flight, acks=all, no compression), one batch after another as the relay must.
 */
export const relay = async (context: BenchContext, pool: Pool): Promise<Figure[]> => {
  const count = context.quick ? 30_000 : 200_000;
  await deleteTopics([`${config.kafkaTopicPrefix}events.`, RAW_PREFIX]);
  await storeGenerated(pool, generateEvents(count, 4));
  const store = new PostgresEventStore(pool);
  const kafka = createKafka(config, 'bench-relay');
  const batchSize = config.relayBatchSize;

  // Topics exist and producers are connected before either clock starts: each clock starts when
  // the first batch is acknowledged and stops at the last, and counts the events in between.
  const setup = kafka.admin();
  await setup.connect();
  await ensureTopics(setup, topicLayout(config));
  await setup.disconnect();

  // Storing the backlog leaves PostgreSQL writing, and the topics deleted above leave Kafka
  // deleting their segments: each clock starts on a quiet machine, the backlog settled as the
  // rebuild scenario's log is.
  await settleStoredLog(pool);
  const relay = new Relay(pool, store, kafka, { name: 'bench', batchSize, pollIntervalMs: config.relayPollIntervalMs, topics: topicLayout(config) });
  relay.start();
  while (relay.status.published === 0) await sleep(1);
  const relayStart = process.hrtime.bigint();
  const relayFirst = relay.status.published;
  while (relay.status.published < count) await sleep(1);
  const relaySeconds = secondsSince(relayStart);
  const relayEvents = count - relayFirst;
  await relay.stop();
  context.log(`relay: ${relayEvents} events in ${relaySeconds.toFixed(2)} s after its first batch`);

  // The baseline's messages, read and built before its clock starts.
  const batches: TopicMessages[][] = [];
  let position: LogPosition = START_OF_LOG;
  for (;;) {
    const page = await store.readAllRaw(position, batchSize);
    if (!page.events.length) break;
    batches.push(rawToTopicMessages(page.events, config.kafkaTopicPrefix).map((t) => ({ ...t, topic: `${RAW_PREFIX}${t.topic}` })));
    position = page.next;
  }
  const admin = kafka.admin();
  await admin.connect();
  const topics = [...new Set(batches.flatMap((b) => b.map((t) => t.topic)))];
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: config.kafkaPartitions, replicationFactor: 1 })), waitForLeaders: true });
  await admin.disconnect();
  const producer = await connectRelayProducer(kafka, topicLayout(config));
  await quietMachine();
  const send = (topicMessages: TopicMessages[]) => producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
  await send(batches[0]!);
  const rawStart = process.hrtime.bigint();
  for (const topicMessages of batches.slice(1)) await send(topicMessages);
  const rawSeconds = secondsSince(rawStart);
  const rawEvents = count - batches[0]!.reduce((n, t) => n + t.messages.length, 0);
  await producer.disconnect();
  context.log(`raw kafkajs: ${rawEvents} events in ${rawSeconds.toFixed(2)} s after the first batch`);
  return [
    {
      scenario: 'relay',
      case: `${count.toLocaleString('en-US')} event backlog, batches of ${batchSize}`,
      metric: 'events/s to Kafka',
      value: relayEvents / relaySeconds,
      unit: '/s',
      baseline: { name: 'raw kafkajs produce', value: rawEvents / rawSeconds },
      target: { on: 'ratio', atLeast: 0.7 },
      details: { events: count, relayEvents, relaySeconds, rawEvents, rawSeconds, batchSize, partitions: config.kafkaPartitions },
    },
  ];
};
