import type { CommittedOffset, PartitionEnd } from './consumer-lag.js';

/** The first record of a partition that a consumer group has not consumed yet. */
export interface WaitingHead {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

/**
 * Kafka's ListOffsets by time: per partition of `topic`, the first offset whose record timestamp
 * is at or after `timestamp` (ms since the epoch), or the log end where no record is that recent.
 */
export type OffsetsFrom = (topic: string, timestamp: number) => Promise<ReadonlyMap<number, bigint>>;

/**
 * The partitions of one topic with records the group has not consumed, each at its first such
 * record: the committed offset, or the earliest one still in the log when nothing is committed
 * there or retention has deleted the committed one.
 */
export const waitingHeads = (topic: string, ends: readonly PartitionEnd[], committed: readonly CommittedOffset[]): WaitingHead[] => {
  const byPartition = new Map(committed.map((c) => [c.partition, BigInt(c.offset)]));
  return ends.flatMap(({ partition, high, low }) => {
    const at = byPartition.get(partition) ?? -1n;
    const offset = at < BigInt(low) ? BigInt(low) : at;
    return offset < BigInt(high) ? [{ topic, partition, offset }] : [];
  });
};

const FIRST_PROBE_MS = 250;
// Past about 12 days (beyond Kafka's default retention of 7) the age is reported as that bound.
const LAST_PROBE_MS = FIRST_PROBE_MS * 2 ** 22;
const HALVINGS = 4;

/**
 * When the oldest of the waiting heads was written to Kafka (ms since the epoch), found by asking
 * Kafka rather than by reading records: "are all heads at or after time t?" holds exactly when,
 * in every partition, the first record at or after t is no later than the head. Ages of 0.25 s,
 * 0.5 s, 1 s, ... are tried until one holds, then the last interval is halved 4 times, so the
 * answer is older than the record by at most 1/16 of its age or 16 ms, never younger (an alert on
 * it fires no later than it should). A probe is one admin call per topic with heads (two
 * ListOffsets requests in kafkajs): 27 probes at most, 7 to 10 for an age of seconds.
 *
 * Why not read the record at the committed offset: kafkajs reads records only as a member of a
 * consumer group (it has no manual assignment), and joining one per scrape takes seconds. Why not
 * the timestamps of records this process has fetched: it holds only its own partitions, none while
 * its consumer is down, and the lag in events counts the whole group's.
 *
 * It trusts record timestamps to grow along a partition, as they do with one relay producing at a
 * time; clocks that differ between relays make the answer off by as much as they differ.
 */
export const oldestWaitingAt = async (heads: readonly WaitingHead[], offsetsFrom: OffsetsFrom, now: number): Promise<number> => {
  const byTopic = new Map<string, WaitingHead[]>();
  for (const head of heads) byTopic.set(head.topic, [...(byTopic.get(head.topic) ?? []), head]);
  const allWrittenWithin = async (ageMs: number): Promise<boolean> => {
    const answers = await Promise.all(
      [...byTopic].map(async ([topic, waiting]) => {
        const offsets = await offsetsFrom(topic, Math.floor(now - ageMs));
        return waiting.every((head) => {
          const first = offsets.get(head.partition);
          return first !== undefined && first <= head.offset;
        });
      }),
    );
    return answers.every(Boolean);
  };
  let younger = 0; // the oldest head is older than this (ms)
  let within = FIRST_PROBE_MS; // ... and no older than this once a probe holds
  while (!(await allWrittenWithin(within))) {
    if (within >= LAST_PROBE_MS) return now - within;
    younger = within;
    within *= 2;
  }
  for (let i = 0; i < HALVINGS; i++) {
    const middle = (younger + within) / 2;
    if (await allWrittenWithin(middle)) within = middle;
    else younger = middle;
  }
  return now - within;
};
