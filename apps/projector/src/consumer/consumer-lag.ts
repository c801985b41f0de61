import type { Admin, Kafka } from 'kafkajs';

/** A topic partition's offsets as the kafkajs admin gives them. */
export interface PartitionEnd {
  readonly partition: number;
  readonly high: string;
  readonly low: string;
}
export interface CommittedOffset {
  readonly partition: number;
  /** `-1`: the group has committed nothing there (it starts from the beginning). */
  readonly offset: string;
}

/**
 * Messages of one topic the group has not consumed yet: per partition, the end offset less the
 * committed one, or less the earliest offset still in the log when nothing is committed (the
 * consumers subscribe from the beginning).
 */
export const topicLag = (ends: readonly PartitionEnd[], committed: readonly CommittedOffset[]): number => {
  const byPartition = new Map(committed.map((c) => [c.partition, BigInt(c.offset)]));
  let lag = 0n;
  for (const { partition, high, low } of ends) {
    const at = byPartition.get(partition) ?? -1n;
    const from = at < 0n ? BigInt(low) : at;
    if (BigInt(high) > from) lag += BigInt(high) - from;
  }
  return Number(lag);
};

export interface ConsumerGroupTopics {
  readonly groupId: string;
  readonly topics: readonly string[];
}

/** Reads consumer groups' lag through one admin client, connected on first use and again after a failure. */
export class ConsumerLag {
  private admin: Promise<Admin> | null = null;

  constructor(private readonly kafka: Kafka) {}

  private connected(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      await admin.connect();
      return admin;
    })();
    return this.admin;
  }

  async lagOf(group: ConsumerGroupTopics): Promise<number> {
    try {
      const admin = await this.connected();
      const committed = await admin.fetchOffsets({ groupId: group.groupId, topics: [...group.topics] });
      let lag = 0;
      for (const topic of group.topics) {
        const ends = await admin.fetchTopicOffsets(topic);
        lag += topicLag(ends, committed.find((c) => c.topic === topic)?.partitions ?? []);
      }
      return lag;
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await (await admin?.catch(() => null))?.disconnect().catch(() => undefined);
  }
}
