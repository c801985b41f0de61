import { AggregateCache } from './aggregate-cache.js';
import type { HandleCommandOptions } from './command-options.js';
import { WrongExpectedRevisionError } from './event-store.port.js';
import { InMemoryEventStore } from './in-memory-event-store.js';
import { StreamWriter } from './stream-writer.js';
import { counter, type Add, type Added } from './testing/counter.decider.js';

const add = (n: number): Add => ({ type: 'Add', data: { n }, metadata: { now: '2026-11-25T10:00:00.000Z' } });
let ids = 0;
const options = (extra: Partial<HandleCommandOptions<Added>> = {}): HandleCommandOptions<Added> => ({
  codec: { decode: (stored) => ({ type: 'Added', data: stored.data as { n: number } }), schemaVersion: () => 1 },
  metadata: { correlationId: 'corr', causationId: null, actor: { subject: 'ada', client: 'web' } },
  newEventId: (i) => `event-${++ids}-${i}`,
  backoff: () => Promise.resolve(),
  ...extra,
});

const added = (eventId: string, n: number) => ({ eventId, type: 'Added', schemaVersion: 1, occurredAt: '2026-11-25T10:00:00.000Z', data: { n }, metadata: { correlationId: 'x', causationId: null } });

/** The store as the writer sees it, with its reads and appends counted. */
const counted = () => {
  const store = new InMemoryEventStore();
  const reads: number[] = [];
  const appends: number[] = [];
  const read = store.readStream.bind(store);
  store.readStream = async (id, from = 0) => {
    reads.push(from);
    const events = await read(id, from);
    await new Promise((resolve) => setTimeout(resolve, 1)); // yields, as a real store does
    return events;
  };
  const append = store.append.bind(store);
  store.append = (id, events, expected) => {
    appends.push(events.length);
    return append(id, events, expected);
  };
  return { store, reads, appends };
};

describe('StreamWriter with a cache', () => {
  it('reads a stream once, then decides on the state it cached without reading it again', async () => {
    const { store, reads, appends } = counted();
    const writer = new StreamWriter({ store, cache: new AggregateCache(10) });
    await writer.submit(counter, 's-1', add(1), options());
    await writer.submit(counter, 's-1', add(2), options());
    expect(await writer.submit(counter, 's-1', add(3), options())).toMatchObject({ revision: 2, appended: 1 });
    expect(reads).toEqual([0]);
    expect(appends).toEqual([1, 1, 1]);
  });

  it('finds its cache stale when the append is refused: reads what another writer appended and decides again at once, not as a lost race', async () => {
    const { store, reads, appends } = counted();
    const writer = new StreamWriter({ store, cache: new AggregateCache(10) });
    await writer.submit(counter, 's-1', add(4), options());
    await new StreamWriter({ store }).submit(counter, 's-1', add(5), options());
    const lost: number[] = [];
    // On the stale cache 4 + 2 passes; on the stream 9 + 2 does not.
    await expect(writer.submit(counter, 's-1', add(2), options({ onLostRace: (n) => void lost.push(n) }))).rejects.toThrow('limit');
    expect(lost).toEqual([]);
    expect(await writer.submit(counter, 's-1', add(1), options())).toMatchObject({ revision: 2, appended: 1 });
    // The other writer's read, then this one's: from 0, and after its stale revision 0.
    expect(reads).toEqual([0, 0, 1]);
    expect(appends).toEqual([1, 1, 1, 1]);
  });

  it('never answers from the cache alone: a command that needs no append, or is refused, is decided again on the stream', async () => {
    const { store, reads } = counted();
    const writer = new StreamWriter({ store, cache: new AggregateCache(10) });
    await writer.submit(counter, 's-1', add(9), options());
    await new StreamWriter({ store }).submit(counter, 's-1', add(1), options());
    // Nothing to append: answered with the stream's revision (1), not the cache's (0).
    expect(await writer.submit(counter, 's-1', add(0), options())).toMatchObject({ revision: 1, appended: 0 });
    expect(reads).toEqual([0, 0, 1]);
  });

  it('reads the stream first for an If-Match the cache does not match (the stream may have reached it elsewhere)', async () => {
    const { store } = counted();
    const writer = new StreamWriter({ store, cache: new AggregateCache(10) });
    await writer.submit(counter, 's-1', add(1), options());
    await new StreamWriter({ store }).submit(counter, 's-1', add(1), options());
    expect(await writer.submit(counter, 's-1', add(1), options({ expectedRevision: 1 }))).toMatchObject({ revision: 2, appended: 1 });
  });

  it('decides commands that arrive together in turn and appends them together, each with its own answer', async () => {
    const { store, appends } = counted();
    const writer = new StreamWriter({ store, cache: new AggregateCache(10) });
    await store.append('s-1', [added('seed', 1)], 'no_stream');
    const outcomes = await Promise.allSettled([1, 1, 9, 1, 0, 1].map((n) => writer.submit(counter, 's-1', add(n), options())));
    // The 9 would pass the limit on the state the commands before it left: it fails alone.
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value.revision : (o.reason as Error).message))).toEqual([1, 2, 'limit', 3, 3, 4]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value.appended : null))).toEqual([1, 1, null, 1, 0, 1]);
    // The first of them finds the stream idle and goes alone; the rest wait for it and go together.
    expect(appends).toEqual([1, 1, 3]);
    const events = await store.readStream('s-1');
    const positions = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.position] : []));
    expect(positions).toEqual([1, 2, 3, 3, 4].map((r) => events[r]!.globalPosition));
  });

  it('checks an If-Match against the revision the commands before it left', async () => {
    const { store } = counted();
    const writer = new StreamWriter({ store, cache: new AggregateCache(10) });
    await writer.submit(counter, 's-1', add(1), options());
    const outcomes = await Promise.allSettled([
      writer.submit(counter, 's-1', add(1), options()),
      writer.submit(counter, 's-1', add(1), options({ expectedRevision: 1 })),
      writer.submit(counter, 's-1', add(1), options({ expectedRevision: 1 })),
    ]);
    expect(outcomes[0]).toMatchObject({ status: 'fulfilled', value: { revision: 1 } });
    expect(outcomes[1]).toMatchObject({ status: 'fulfilled', value: { revision: 2 } });
    expect(outcomes[2]).toMatchObject({ status: 'rejected', reason: { expected: 1, actual: 2 } });
  });

  it('after a lost race decides the batch again on the new state; a conditional command takes the conflict', async () => {
    const { store } = counted();
    const writer = new StreamWriter({ store, cache: new AggregateCache(10) });
    await store.append('s-1', [added('seed', 1)], 'no_stream');
    const append = store.append.bind(store);
    let raced = false;
    // Another process appends just before the batch does.
    store.append = async (id, events, expected) => {
      if (!raced && events.length > 1) {
        raced = true;
        await append(id, [added('other', 5)], 1);
      }
      return append(id, events, expected);
    };
    const lost: number[] = [];
    const outcomes = await Promise.allSettled([
      writer.submit(counter, 's-1', add(1), options()),
      writer.submit(counter, 's-1', add(1), options({ onLostRace: (n) => void lost.push(n) })),
      writer.submit(counter, 's-1', add(2), options()),
      writer.submit(counter, 's-1', add(1), options({ expectedRevision: 3 })),
    ]);
    // The first went alone; the other three were decided together, and lost the race.
    expect(outcomes[0]).toMatchObject({ status: 'fulfilled', value: { revision: 1 } });
    expect(outcomes[1]).toMatchObject({ status: 'fulfilled', value: { revision: 3 } });
    expect(outcomes[2]).toMatchObject({ status: 'fulfilled', value: { revision: 4 } });
    expect(outcomes[3]).toMatchObject({ status: 'rejected' });
    expect((outcomes[3] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect(lost).toEqual([1]);
    expect((await store.readStream('s-1')).map((e) => e.data)).toEqual([{ n: 1 }, { n: 1 }, { n: 5 }, { n: 1 }, { n: 2 }]);
  });

  it('lets different streams run at the same time, and forgets a stream once its queue is empty', async () => {
    const { store } = counted();
    const writer = new StreamWriter({ store, cache: new AggregateCache(10) });
    const running = Promise.all(['a', 'b', 'c'].map((s) => writer.submit(counter, s, add(1), options())));
    expect(writer.busyStreams).toBe(3);
    await running;
    await new Promise((resolve) => setImmediate(resolve));
    expect(writer.busyStreams).toBe(0);
  });

  it('callers answered together who send again at once are decided in one batch, not one alone and the rest after', async () => {
    const { store, appends } = counted();
    const writer = new StreamWriter({ store, cache: new AggregateCache(10) });
    await store.append('s-1', [added('seed', 0)], 'no_stream');
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = 0; i < 2; i++) await writer.submit(counter, 's-1', add(1), options());
      }),
    );
    // The seed; the first command alone; then the three waiting with the first's next; then the rest.
    expect(appends).toEqual([1, 1, 4, 3]);
  });
});

describe('AggregateCache', () => {
  const folded = (revision: number) => ({ state: revision, revision, position: String(revision), snapshotRevision: null });

  it('keeps the newer state: a slow reader never puts an older one back', () => {
    const cache = new AggregateCache(10);
    cache.set(counter, 's', folded(5));
    cache.set(counter, 's', folded(3));
    expect(cache.get(counter, 's')).toMatchObject({ revision: 5 });
  });

  it('hands a state back only to the decider that folded it, and holds at most its bound', () => {
    const cache = new AggregateCache(2);
    cache.set(counter, 'a', folded(1));
    expect(cache.get({ ...counter }, 'a')).toBeUndefined();
    cache.set(counter, 'b', folded(1));
    cache.set(counter, 'c', folded(1));
    expect(cache.size).toBe(2);
    expect(cache.get(counter, 'a')).toBeUndefined();
  });
});
