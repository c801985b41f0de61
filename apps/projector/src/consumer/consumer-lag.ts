import type { Admin, Kafka } from 'kafkajs';
import { oldestWaitingAt, waitingHeads, type WaitingHead } from './oldest-waiting.js';

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

/** How far a consumer group is behind. */
export interface GroupLag {
  /** Records in its topics it has not consumed (committed) yet. */
  readonly events: number;
  /** When the oldest of them was written to Kafka (ms since the epoch); null when none waits. */
  readonly oldestWaitingAt: number | null;
}

/**
 * Reads consumer groups' lag through one admin client, connected on first use and again after a
 * failure. A group that has consumed everything costs the offset requests alone. Where records
 * wait, their age is asked of Kafka (see oldestWaitingAt) and kept while the group's first waiting
 * offsets stay where they are, so a stalled projection costs no more requests at each scrape.
 */
export class ConsumerLag {
  private admin: Promise<Admin> | null = null;
  private readonly oldest = new Map<string, { readonly heads: string; readonly at: number }>();

  constructor(private readonly kafka: Kafka) {}

  private connected(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      await admin.connect();
      return admin;
    })();
    return this.admin;
  }

  async lagOf(group: ConsumerGroupTopics, now = Date.now()): Promise<GroupLag> {
    try {
      const admin = await this.connected();
      const committed = await admin.fetchOffsets({ groupId: group.groupId, topics: [...group.topics] });
      let events = 0;
      const heads: WaitingHead[] = [];
      for (const topic of group.topics) {
        const ends = await admin.fetchTopicOffsets(topic);
        const partitions = committed.find((c) => c.topic === topic)?.partitions ?? [];
        events += topicLag(ends, partitions);
        heads.push(...waitingHeads(topic, ends, partitions));
      }
      return { events, oldestWaitingAt: heads.length ? await this.oldestOf(admin, group.groupId, heads, now) : null };
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  private async oldestOf(admin: Admin, groupId: string, heads: readonly WaitingHead[], now: number): Promise<number> {
    const key = heads.map((h) => `${h.topic}/${h.partition}@${h.offset}`).join(' ');
    const known = this.oldest.get(groupId);
    if (known?.heads === key) return known.at;
    const offsetsFrom = async (topic: string, timestamp: number): Promise<Map<number, bigint>> =>
      new Map((await admin.fetchTopicOffsetsByTimestamp(topic, timestamp)).map((p) => [p.partition, BigInt(p.offset)]));
    const at = await oldestWaitingAt(heads, offsetsFrom, now);
    this.oldest.set(groupId, { heads: key, at });
    return at;
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await (await admin?.catch(() => null))?.disconnect().catch(() => undefined);
  }
}
