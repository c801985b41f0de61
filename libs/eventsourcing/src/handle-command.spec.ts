import type { EventActor, AppendMetadata } from '#events';
import { WrongExpectedRevisionError } from './event-store.port.js';
import { handleCommand, type HandleCommandOptions } from './handle-command.js';
import { InMemoryEventStore } from './in-memory-event-store.js';
import { counter, type Add, type Added } from './testing/counter.decider.js';

const now = '2026-11-25T10:00:00.000Z';
const add = (n: number, at = now): Add => ({ type: 'Add', data: { n }, metadata: { now: at } });
let ids = 0;
const ada: EventActor = { subject: 'ada', client: 'web' };
const options = (extra: Partial<HandleCommandOptions<Added>> = {}, metadata: Partial<AppendMetadata> = {}): HandleCommandOptions<Added> => ({
  codec: { decode: (stored) => ({ type: 'Added', data: stored.data as { n: number } }), schemaVersion: () => 3 },
  metadata: { correlationId: 'corr', causationId: null, actor: { subject: 'someone', client: 'web' }, ...metadata },
  newEventId: (i) => `event-${++ids}-${i}`,
  backoff: () => Promise.resolve(),
  ...extra,
});

describe('handleCommand on the in-memory store', () => {
  let store: InMemoryEventStore;
  beforeEach(() => {
    store = new InMemoryEventStore();
  });

  it('reads, folds, decides and appends at the revision read, with the caller’s ids and metadata', async () => {
    await handleCommand(store, counter, 's-1', add(2), options());
    const result = await handleCommand(store, counter, 's-1', add(3), options({}, { actor: ada }));
    expect(result).toEqual({ streamId: 's-1', revision: 1, position: '2', appended: 1 });
    const [, second] = await store.readStream('s-1');
    expect(second).toMatchObject({ type: 'Added', data: { n: 3 }, schemaVersion: 3, occurredAt: now, metadata: { actor: ada } });
    expect(second?.eventId).toMatch(/^event-\d+-0$/);
  });

  it('folds the whole stream before deciding: a domain error appends nothing', async () => {
    await handleCommand(store, counter, 's-1', add(8), options());
    await expect(handleCommand(store, counter, 's-1', add(3), options())).rejects.toThrow('limit');
    expect(await store.readStream('s-1')).toHaveLength(1);
  });

  it('answers with the stream as it is when nothing is due', async () => {
    await handleCommand(store, counter, 's-1', add(1), options());
    expect(await handleCommand(store, counter, 's-1', add(0), options())).toEqual({ streamId: 's-1', revision: 0, position: '1', appended: 0 });
    expect(await handleCommand(store, counter, 's-2', add(0), options())).toEqual({ streamId: 's-2', revision: null, position: null, appended: 0 });
  });

  it('with an expected revision, a stale one is the answer: nothing is decided or appended', async () => {
    await handleCommand(store, counter, 's-1', add(1), options());
    await expect(handleCommand(store, counter, 's-1', add(1), options({ expectedRevision: 5 }))).rejects.toMatchObject({ expected: 5, actual: 0 });
    expect((await handleCommand(store, counter, 's-1', add(1), options({ expectedRevision: 0 }))).revision).toBe(1);
  });

  it('decides an unconditional command again on the new state after losing a race', async () => {
    await handleCommand(store, counter, 's-1', add(5), options());
    const racing = new InMemoryEventStore();
    let raced = false;
    // The first read is overtaken by another writer that brings the total to 9 before the append.
    racing.readStream = async (id, from) => {
      const history = await store.readStream(id, from);
      if (!raced) {
        raced = true;
        await handleCommand(store, counter, id, add(4), options());
      }
      return history;
    };
    racing.append = (id, events, expected) => store.append(id, events, expected);
    await expect(handleCommand(racing, counter, 's-1', add(3), options())).rejects.toThrow('limit');
    await handleCommand(store, counter, 's-2', add(1), options());
    raced = false;
    expect(await handleCommand(racing, counter, 's-2', add(1), options())).toMatchObject({ revision: 2, appended: 1 });
  });

  it('gives up after maxAttempts lost races, and never retries a conditional command', async () => {
    await handleCommand(store, counter, 's-1', add(1), options());
    const busy = new InMemoryEventStore();
    busy.readStream = (id) => store.readStream(id);
    let appends = 0;
    busy.append = (id) => {
      appends++;
      return Promise.reject(new WrongExpectedRevisionError(id, 0, 1));
    };
    const lostRaces: number[] = [];
    const onLostRace = (attempt: number): void => void lostRaces.push(attempt);
    await expect(handleCommand(busy, counter, 's-1', add(1), options({ maxAttempts: 3, onLostRace }))).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(appends).toBe(3);
    // Told of the races decided again, not of the last one, which is the answer.
    expect(lostRaces).toEqual([1, 2]);
    await expect(handleCommand(busy, counter, 's-1', add(1), options({ expectedRevision: 0, onLostRace }))).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(appends).toBe(4);
    expect(lostRaces).toEqual([1, 2]);
  });

  it('answers a command whose idempotency key the stream already holds, within the window, without deciding', async () => {
    const keyed = options({ idempotencyWindowMs: 60_000 }, { idempotencyKey: 'k-1' });
    const first = await handleCommand(store, counter, 's-1', add(2), keyed);
    await handleCommand(store, counter, 's-1', add(1), options());
    expect(await handleCommand(store, counter, 's-1', add(2), keyed)).toEqual({ ...first, appended: 0 });
    expect(await store.readStream('s-1')).toHaveLength(2);
    // Past the window, or without one, the key no longer answers.
    expect((await handleCommand(store, counter, 's-1', add(2, '2026-11-25T10:02:00.000Z'), keyed)).appended).toBe(1);
    expect((await handleCommand(store, counter, 's-1', add(2), options({}, { idempotencyKey: 'k-1' }))).appended).toBe(1);
  });

  describe('idempotency keys are scoped per caller', () => {
    const keyed = (actor: EventActor): HandleCommandOptions<Added> => options({ idempotencyWindowMs: 60_000 }, { idempotencyKey: 'k-1', actor });

    it('the same key from another subject is not an answer: the command is decided and appended', async () => {
      await handleCommand(store, counter, 's-1', add(2), keyed({ subject: 'ada', client: 'web' }));
      expect(await handleCommand(store, counter, 's-1', add(3), keyed({ subject: 'bob', client: 'web' }))).toMatchObject({ revision: 1, appended: 1 });
      expect((await store.readStream('s-1')).map((e) => e.data)).toEqual([{ n: 2 }, { n: 3 }]);
    });

    it('the same key from the same subject is an answer, whatever the client', async () => {
      const first = await handleCommand(store, counter, 's-1', add(2), keyed({ subject: 'ada', client: 'web' }));
      await handleCommand(store, counter, 's-1', add(1), keyed({ subject: 'bob', client: 'web' }));
      expect(await handleCommand(store, counter, 's-1', add(2), keyed({ subject: 'ada', client: 'web' }))).toEqual({ ...first, appended: 0 });
      expect(await handleCommand(store, counter, 's-1', add(2), keyed({ subject: 'ada', client: 'cli' }))).toEqual({ ...first, appended: 0 });
      expect(await store.readStream('s-1')).toHaveLength(2);
    });

    it('a key stored with a plain-string actor (before identity) answers that subject only', async () => {
      // New commands always name an actor object: the old shape can only be in the store already.
      const stored = { eventId: 'old-1', type: 'Added', schemaVersion: 1, occurredAt: now, data: { n: 2 }, metadata: { correlationId: 'c', causationId: null, actor: 'ada', idempotencyKey: 'k-1' } };
      const appended = await store.append('s-1', [stored], 'no_stream');
      const first = { streamId: 's-1', revision: appended.nextRevision, position: appended.globalPosition };
      expect(await handleCommand(store, counter, 's-1', add(2), keyed({ subject: 'ada', client: null }))).toEqual({ ...first, appended: 0 });
      expect((await handleCommand(store, counter, 's-1', add(2), keyed({ subject: 'bob', client: null }))).appended).toBe(1);
    });
  });

  it('appends nothing twice under the same event ids', async () => {
    const fixed = options({ newEventId: () => 'same-id' });
    await handleCommand(store, counter, 's-1', add(1), fixed);
    await expect(handleCommand(store, counter, 's-2', add(1), fixed)).rejects.toThrow('already stored');
  });
});

describe('handleCommand when an append committed but was reported as failed', () => {
  // As group commit does when the connection breaks after COMMIT: the batch is retried append by
  // append, and the retry finds the stream moved on (by the very events it tried to append).
  const committedButLost = (store: InMemoryEventStore): InMemoryEventStore => {
    const flaky = new InMemoryEventStore();
    let lost = false;
    flaky.readStream = (id, from) => store.readStream(id, from);
    flaky.append = async (id, events, expected) => {
      const result = await store.append(id, events, expected);
      if (lost) return result;
      lost = true;
      throw new WrongExpectedRevisionError(id, expected, result.nextRevision);
    };
    return flaky;
  };

  it('an unconditional command is not applied twice: the retry finds its own events', async () => {
    const store = new InMemoryEventStore();
    await handleCommand(store, counter, 's-1', add(1), options());
    const result = await handleCommand(committedButLost(store), counter, 's-1', add(2), options());
    expect((await store.readStream('s-1')).map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(result).toEqual({ streamId: 's-1', revision: 1, position: '2', appended: 1 });
  });

  it('a conditional command answers with its events, not with a conflict', async () => {
    const store = new InMemoryEventStore();
    await handleCommand(store, counter, 's-1', add(1), options());
    const result = await handleCommand(committedButLost(store), counter, 's-1', add(2), options({ expectedRevision: 0 }));
    expect(result).toMatchObject({ revision: 1, appended: 1 });
    expect(await store.readStream('s-1')).toHaveLength(2);
  });

  it('asks for each event id once, however many attempts', async () => {
    const store = new InMemoryEventStore();
    await handleCommand(store, counter, 's-1', add(1), options());
    const asked: number[] = [];
    await handleCommand(committedButLost(store), counter, 's-1', add(2), options({ newEventId: (i) => (asked.push(i), `fixed-${i}`) }));
    expect(asked).toEqual([0]);
  });
});
