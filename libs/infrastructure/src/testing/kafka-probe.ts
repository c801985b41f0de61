import { randomUUID } from 'node:crypto';
import { Partitioners, type Consumer, type Kafka, type Producer } from 'kafkajs';
import { ensureTopics, topicLayout } from '../kafka/kafka.js';
import { testConfig } from './test-config.js';

export interface ReceivedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

/** Test helper: the project's topics as the test configuration lays them out, created if missing (as the apps do at start). */
export const ensureTestTopics = async (kafka: Kafka): Promise<void> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, topicLayout(testConfig()));
  } finally {
    await admin.disconnect();
  }
};

/** Test helper: a connected idempotent producer that partitions by key, as the relay's does. */
export const connectedProducer = async (kafka: Kafka): Promise<Producer> => {
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return producer;
};

/**
 * Test helper: a consumer group that starts at `topic`'s end as it is now, so the records already
 * there (earlier tests', earlier runs') are not its business.
 */
export const startGroupAtEnd = async (kafka: Kafka, groupId: string, topic: string): Promise<void> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId, topic, partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })) });
  } finally {
    await admin.disconnect();
  }
};

/**
 * Test helper: collects every record that lands on `topics` from now on (it seeks each partition
 * to its current end before consuming), with a fresh consumer group.
 */
export const startKafkaProbe = async (
  kafka: Kafka,
  topics: readonly string[],
): Promise<{ records: ReceivedRecord[]; stop: () => Promise<void> }> => {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await Promise.all(topics.map(async (topic) => ({ topic, offsets: await admin.fetchTopicOffsets(topic) })));
  await admin.disconnect();
  const records: ReceivedRecord[] = [];
  const consumer: Consumer = kafka.consumer({ groupId: `probe-${randomUUID()}` });
  await consumer.connect();
  for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    eachMessage: ({ topic, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      records.push({ topic, partition, key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', headers });
      return Promise.resolve();
    },
  });
  for (const { topic, offsets } of ends) {
    for (const { partition, offset } of offsets) consumer.seek({ topic, partition, offset });
  }
  return { records, stop: () => consumer.disconnect() };
};

export const waitFor = async (condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};
