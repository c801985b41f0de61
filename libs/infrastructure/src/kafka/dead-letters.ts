import { randomUUID } from 'node:crypto';
import { Partitioners, type IHeaders, type Kafka, type KafkaMessage } from 'kafkajs';

export interface DeadLetterRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

/** `events.account` or `events.account.dlq` → both names. */
export const deadLetterTopics = (topic: string): { original: string; dlq: string } => {
  const original = topic.endsWith('.dlq') ? topic.slice(0, -'.dlq'.length) : topic;
  return { original, dlq: `${original}.dlq` };
};

/** The group whose committed offsets mark what `dlq retry` has already sent back. */
export const retryGroupId = (groupPrefix: string): string => `${groupPrefix}.dlq-retry`;

const text = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.map(String).join(',') : String(v)]));

/** Reads the records from `from` (per partition) up to the end as of now, without a consumer group. */
const readRange = async (kafka: Kafka, topic: string, from: Map<number, string>): Promise<DeadLetterRecord[]> => {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const wanted = ends.filter((e) => BigInt(e.high) > BigInt(from.get(e.partition) ?? e.low) && BigInt(e.high) > BigInt(e.low));
  if (wanted.length === 0) return [];
  const records: DeadLetterRecord[] = [];
  const remaining = new Set(wanted.map((e) => e.partition));
  const consumer = kafka.consumer({ groupId: `dlq-reader-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: ({ partition, message }: { partition: number; message: KafkaMessage }) => {
            const end = wanted.find((e) => e.partition === partition);
            if (end && BigInt(message.offset) < BigInt(end.high)) {
              records.push({ partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value, headers: text(message.headers) });
            }
            if (end && BigInt(message.offset) >= BigInt(end.high) - 1n) remaining.delete(partition);
            if (remaining.size === 0) resolve();
            return Promise.resolve();
          },
        })
        .catch(reject);
      for (const e of wanted) {
        const start = from.get(e.partition);
        consumer.seek({ topic, partition: e.partition, offset: start && BigInt(start) > BigInt(e.low) ? start : e.low });
      }
    });
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
};

const retried = async (kafka: Kafka, dlq: string, groupPrefix: string): Promise<Map<number, string>> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [group] = await admin.fetchOffsets({ groupId: retryGroupId(groupPrefix), topics: [dlq] });
    return new Map((group?.partitions ?? []).filter((p) => Number(p.offset) >= 0).map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
};

/** Dead letters not yet sent back (or all of them), oldest first. */
export const listDeadLetters = async (kafka: Kafka, topic: string, options: { groupPrefix: string; all?: boolean }): Promise<DeadLetterRecord[]> => {
  const { dlq } = deadLetterTopics(topic);
  return readRange(kafka, dlq, options.all ? new Map<number, string>() : await retried(kafka, dlq, options.groupPrefix));
};

/**
 * Sends dead letters back to their original topic (same key and value, the dead-letter headers
 * dropped, `dlq-retried-from` added) and marks them retried. Consumers apply them through their
 * normal idempotent path: what was already applied is skipped by its revision.
 */
export const retryDeadLetters = async (kafka: Kafka, topic: string, options: { groupPrefix: string; offset?: string }): Promise<number> => {
  const { original, dlq } = deadLetterTopics(topic);
  const pending = (await listDeadLetters(kafka, dlq, { groupPrefix: options.groupPrefix })).filter((r) => options.offset === undefined || r.offset === options.offset);
  if (pending.length === 0) return 0;
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({
      topic: original,
      acks: -1,
      messages: pending.map((r) => ({
        key: r.key,
        value: r.value,
        headers: {
          ...Object.fromEntries(Object.entries(r.headers).filter(([k]) => !k.startsWith('dlq-'))),
          'dlq-retried-from': `${dlq}/${r.partition}/${r.offset}`,
        },
      })),
    });
  } finally {
    await producer.disconnect();
  }
  if (options.offset === undefined) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const last = new Map<number, bigint>();
      for (const r of pending) last.set(r.partition, BigInt(r.offset) + 1n);
      await admin.setOffsets({ groupId: retryGroupId(options.groupPrefix), topic: dlq, partitions: [...last].map(([partition, offset]) => ({ partition, offset: offset.toString() })) });
    } finally {
      await admin.disconnect();
    }
  }
  return pending.length;
};

/** Deletes every dead letter of the topic (Kafka deleteRecords up to the end); returns how many. */
export const purgeDeadLetters = async (kafka: Kafka, topic: string): Promise<number> => {
  const { dlq } = deadLetterTopics(topic);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(dlq);
    const count = ends.reduce((n, e) => n + Number(BigInt(e.high) - BigInt(e.low)), 0);
    await admin.deleteTopicRecords({ topic: dlq, partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })) });
    return count;
  } finally {
    await admin.disconnect();
  }
};
