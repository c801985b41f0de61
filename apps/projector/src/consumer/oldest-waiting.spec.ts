import { oldestWaitingAt, waitingHeads, type OffsetsFrom, type WaitingHead } from './oldest-waiting.js';

/** Record timestamps per topic and partition, answering ListOffsets by time as Kafka does. */
const logs = (timestamps: Record<string, Record<number, readonly number[]>>): { offsetsFrom: OffsetsFrom; probes: () => number } => {
  let probes = 0;
  const offsetsFrom: OffsetsFrom = (topic, timestamp) => {
    probes++;
    const partitions = Object.entries(timestamps[topic] ?? {});
    return Promise.resolve(new Map(partitions.map(([partition, log]) => {
      const first = log.findIndex((t) => t >= timestamp);
      return [Number(partition), BigInt(first === -1 ? log.length : first)] as const;
    })));
  };
  return { offsetsFrom, probes: () => probes };
};

const head = (topic: string, partition: number, offset: number): WaitingHead => ({ topic, partition, offset: BigInt(offset) });
const NOW = 1_800_000_000_000;
const SECOND = 1_000;

describe('waitingHeads', () => {
  it('gives each partition with records left its first unconsumed offset', () => {
    expect(waitingHeads('t', [{ partition: 0, high: '10', low: '0' }, { partition: 1, high: '7', low: '0' }], [{ partition: 0, offset: '4' }, { partition: 1, offset: '7' }]))
      .toEqual([head('t', 0, 4)]);
  });

  it('starts from the earliest offset kept where nothing is committed or the committed one was deleted', () => {
    expect(waitingHeads('t', [{ partition: 0, high: '10', low: '3' }, { partition: 1, high: '5', low: '2' }, { partition: 2, high: '4', low: '4' }], [{ partition: 0, offset: '-1' }, { partition: 1, offset: '1' }]))
      .toEqual([head('t', 0, 3), head('t', 1, 2)]);
  });
});

describe('oldestWaitingAt', () => {
  const ages = [0.01, 0.3, 2, 7.5, 61, 3_600, 86_400 * 3];
  it.each(ages)('finds an event waiting %s s, never younger and at most 1/16 of its age (or 16 ms) older', async (age) => {
    const written = NOW - age * SECOND;
    // Two applied records (the last as old again as the waiting one), then the waiting one and younger ones.
    const { offsetsFrom, probes } = logs({ t: { 0: [NOW - 10 * 86_400 * SECOND, written - age * SECOND, written, written + 2, NOW] } });
    const at = await oldestWaitingAt([head('t', 0, 2)], offsetsFrom, NOW);
    expect(at).toBeLessThanOrEqual(written);
    expect(written - at).toBeLessThanOrEqual(Math.max((age * SECOND) / 16, 16));
    expect(probes()).toBeLessThanOrEqual(27);
  });

  it('takes the oldest head over partitions and topics, whatever the lag in events', async () => {
    const { offsetsFrom } = logs({
      a: { 0: [NOW - 50 * SECOND, NOW - 1 * SECOND], 1: [NOW - 40 * SECOND, NOW - 9 * SECOND, NOW - 8 * SECOND] },
      b: { 0: [NOW - 30 * SECOND, NOW - 20 * SECOND] },
    });
    // a/0 has one event waiting, 1 s old; a/1 two, 9 s old at most; b/0 one, 20 s old.
    const at = await oldestWaitingAt([head('a', 0, 1), head('a', 1, 1), head('b', 0, 1)], offsetsFrom, NOW);
    expect((NOW - at) / SECOND).toBeGreaterThanOrEqual(20);
    expect((NOW - at) / SECOND).toBeLessThanOrEqual(20 * (1 + 1 / 16));
  });

  it('stops at about 12 days: an older event is reported that old', async () => {
    const { offsetsFrom, probes } = logs({ t: { 0: [NOW - 90 * 86_400 * SECOND] } });
    const at = await oldestWaitingAt([head('t', 0, 0)], offsetsFrom, NOW);
    expect((NOW - at) / (86_400 * SECOND)).toBeCloseTo(12.1, 1);
    expect(probes()).toBe(23);
  });
});
