import { context, createContextKey, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { NewEvent } from '#events';
import { WrongExpectedRevisionError, type AppendResult } from '#eventsourcing';
import { GroupCommit, type AppendOutcome, type AppendRequest } from './group-commit.js';

const event = (id: string): NewEvent => ({ eventId: id, type: 'Probe', schemaVersion: 1, occurredAt: '2026-01-01T00:00:00.000Z', data: {}, metadata: { correlationId: id, causationId: null } });
const request = (streamId: string, id = streamId): AppendRequest => ({ streamId, events: [event(id)], expected: 'any' });
const result = (n: number): AppendResult => ({ nextRevision: n, globalPosition: String(n), logPosition: { commit: 1n, prepare: BigInt(n) } });

/** Commit functions that record what they were given and finish only when told to. */
const recorder = () => {
  const calls: { kind: 'one' | 'many'; streams: string[]; finish: () => void }[] = [];
  const gate = <T>(kind: 'one' | 'many', streams: string[], value: () => T): Promise<T> =>
    new Promise((resolve) => calls.push({ kind, streams, finish: () => resolve(value()) }));
  return {
    calls,
    one: (r: AppendRequest) => gate('one', [r.streamId], () => result(0)),
    many: (rs: readonly AppendRequest[]) => gate('many', rs.map((r) => r.streamId), () => rs.map((_, i): AppendOutcome => ({ ok: true, result: result(i) }))),
  };
};

/** A promise that resolves when `release` is called. */
const gate = (): { held: Promise<void>; release: () => void } => {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  return { held, release };
};

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/** Two turns: a finished batch schedules its next drain for a turn that may come after one tick. */
const turns = async (): Promise<void> => {
  await tick();
  await tick();
};

describe('GroupCommit', () => {
  it('commits an append alone when a slot is free, and the appends that arrive meanwhile together', async () => {
    const r = recorder();
    const group = new GroupCommit(r.one, r.many, { maxBatch: 10, maxInFlight: 1 });
    const first = group.submit(request('a'));
    await tick();
    const rest = ['b', 'c', 'd'].map((s) => group.submit(request(s)));
    await tick();
    expect(r.calls.map((c) => [c.kind, c.streams])).toEqual([['one', ['a']]]);
    r.calls[0]!.finish();
    await first;
    await turns();
    expect(r.calls.map((c) => [c.kind, c.streams])).toEqual([['one', ['a']], ['many', ['b', 'c', 'd']]]);
    r.calls[1]!.finish();
    expect((await Promise.all(rest)).map((x) => x.nextRevision)).toEqual([0, 1, 2]);
  });

  it('commits the appends submitted in one turn of the event loop together, even with a slot free for each', async () => {
    const r = recorder();
    const group = new GroupCommit(r.one, r.many, { maxBatch: 10, maxInFlight: 4 });
    const all = ['a', 'b', 'c'].map((s) => group.submit(request(s)));
    expect(r.calls).toEqual([]);
    await tick();
    expect(r.calls.map((c) => [c.kind, c.streams])).toEqual([['many', ['a', 'b', 'c']]]);
    r.calls[0]!.finish();
    expect(await Promise.all(all)).toHaveLength(3);
  });

  it('gathers the appends of the writers a batch has just answered into the next batch', async () => {
    const r = recorder();
    const group = new GroupCommit(r.one, r.many, { maxBatch: 10, maxInFlight: 2 });
    // Three writers, each sending its next append as soon as the last one is answered.
    const writers = ['a', 'b', 'c'].map(async (s) => {
      await group.submit(request(s, `${s}1`));
      await group.submit(request(s, `${s}2`));
    });
    await tick();
    expect(r.calls.map((c) => c.streams)).toEqual([['a', 'b', 'c']]);
    r.calls[0]!.finish();
    await turns();
    expect(r.calls.map((c) => c.streams)).toEqual([['a', 'b', 'c'], ['a', 'b', 'c']]);
    r.calls[1]!.finish();
    await Promise.all(writers);
  });

  it('never runs more than maxInFlight transactions, nor puts more than maxBatch appends in one', async () => {
    const r = recorder();
    const group = new GroupCommit(r.one, r.many, { maxBatch: 3, maxInFlight: 2 });
    const all = Array.from({ length: 10 }, (_, i) => group.submit(request(`s${i}`)));
    await tick();
    expect(r.calls.map((c) => c.streams)).toEqual([['s0', 's1', 's2'], ['s3', 's4', 's5']]);
    r.calls[0]!.finish();
    await turns();
    expect(r.calls.map((c) => c.streams)).toEqual([['s0', 's1', 's2'], ['s3', 's4', 's5'], ['s6', 's7', 's8']]);
    r.calls[1]!.finish();
    await turns();
    expect(r.calls[3]!.streams).toEqual(['s9']);
    expect(r.calls[3]!.kind).toBe('one');
    r.calls[2]!.finish();
    r.calls[3]!.finish();
    expect(await Promise.all(all)).toHaveLength(10);
    expect(r.calls).toHaveLength(4);
  });

  it('shares many waiting appends among the free slots, but never cuts a batch below eight', async () => {
    const r = recorder();
    const group = new GroupCommit(r.one, r.many, { maxBatch: 128, maxInFlight: 2 });
    const many = Array.from({ length: 32 }, (_, i) => group.submit(request(`m${i}`)));
    await tick();
    expect(r.calls.map((c) => c.streams.length)).toEqual([16, 16]);
    r.calls.forEach((c) => c.finish());
    await Promise.all(many);
    const few = Array.from({ length: 12 }, (_, i) => group.submit(request(`f${i}`)));
    await tick();
    expect(r.calls.slice(2).map((c) => c.streams.length)).toEqual([8, 4]);
    r.calls.slice(2).forEach((c) => c.finish());
    await Promise.all(few);
    const eight = Array.from({ length: 8 }, (_, i) => group.submit(request(`e${i}`)));
    await tick();
    expect(r.calls.slice(4).map((c) => c.streams.length)).toEqual([8]);
    r.calls[4]!.finish();
    await Promise.all(eight);
  });

  it('puts one append per stream in a batch, and keeps each stream’s appends in order', async () => {
    const r = recorder();
    const group = new GroupCommit(r.one, r.many, { maxBatch: 10, maxInFlight: 1 });
    const blocker = group.submit(request('x'));
    await tick();
    const later = ['a', 'a', 'b', 'a', 'c', 'b'].map((s, i) => group.submit(request(s, `${s}${i}`)));
    await tick();
    r.calls[0]!.finish();
    await blocker;
    await turns();
    expect(r.calls[1]!.streams).toEqual(['a', 'b', 'c']);
    r.calls[1]!.finish();
    await turns();
    expect(r.calls[2]!.streams).toEqual(['a', 'b']);
    r.calls[2]!.finish();
    await turns();
    expect(r.calls[3]!.kind).toBe('one');
    expect(r.calls[3]!.streams).toEqual(['a']);
    r.calls[3]!.finish();
    await Promise.all(later);
  });

  it('fails only the append whose outcome is an error', async () => {
    const conflict = new WrongExpectedRevisionError('b', 3, 5);
    const { held, release } = gate();
    const group = new GroupCommit(
      () => held.then(() => result(0)),
      (rs) => Promise.resolve(rs.map((r, i): AppendOutcome => (r.streamId === 'b' ? { ok: false, error: conflict } : { ok: true, result: result(i) }))),
      { maxBatch: 10, maxInFlight: 1 },
    );
    const blocker = group.submit(request('blocker'));
    await tick();
    const settled = Promise.allSettled(['a', 'b', 'c'].map((s) => group.submit(request(s))));
    release();
    await blocker;
    const [a, b, c] = await settled;
    expect(a).toEqual({ status: 'fulfilled', value: result(0) });
    expect(b).toEqual({ status: 'rejected', reason: conflict });
    expect(c).toEqual({ status: 'fulfilled', value: result(2) });
  });

  it('when a batch fails as a whole, commits each of its appends alone, so each gets its own outcome', async () => {
    const alone: string[] = [];
    const { held, release } = gate();
    const group = new GroupCommit(
      async (r) => {
        alone.push(r.streamId);
        if (r.streamId === 'blocker') await held;
        if (r.streamId === 'b') throw new Error('duplicate key value violates unique constraint "events_event_id_key"');
        return result(0);
      },
      () => Promise.reject(new Error('duplicate key value violates unique constraint "events_event_id_key"')),
      { maxBatch: 10, maxInFlight: 1 },
    );
    const blocker = group.submit(request('blocker'));
    await tick();
    const settled = Promise.allSettled(['a', 'b', 'c'].map((s) => group.submit(request(s))));
    release();
    await blocker;
    const [a, b, c] = await settled;
    expect(alone).toEqual(['blocker', 'a', 'b', 'c']);
    expect(a!.status).toBe('fulfilled');
    expect(b!.status).toBe('rejected');
    expect(c!.status).toBe('fulfilled');
  });

  describe('trace context', () => {
    const request_ = createContextKey('request');
    const manager = new AsyncLocalStorageContextManager();
    beforeAll(() => context.setGlobalContextManager(manager.enable()));
    afterAll(() => {
      manager.disable();
      context.disable();
    });
    const as = (name: string): Context => context.active().setValue(request_, name);
    const current = (): unknown => context.active().getValue(request_);

    it('runs a batch in the context of its oldest append, even when an earlier batch (of another request) starts it', async () => {
      const seen: unknown[] = [];
      const r = recorder();
      const one = (q: AppendRequest): Promise<AppendResult> => (seen.push(current()), r.one(q));
      const many = (qs: readonly AppendRequest[]): Promise<AppendOutcome[]> => (seen.push(current()), r.many(qs));
      const group = new GroupCommit(one, many, { maxBatch: 10, maxInFlight: 1 });
      const first = context.with(as('a'), () => group.submit(request('a')));
      await tick();
      // b and c arrive while a's transaction holds the only slot: the end of a's batch drains them.
      const rest = [context.with(as('b'), () => group.submit(request('b'))), context.with(as('c'), () => group.submit(request('c')))];
      await tick(); // their own drain finds no free slot
      r.calls[0]!.finish();
      await first;
      await turns();
      expect(r.calls.map((c) => c.streams)).toEqual([['a'], ['b', 'c']]);
      expect(seen).toEqual(['a', 'b']);
      r.calls[1]!.finish();
      await Promise.all(rest);
    });

    it('commits each append of a failed batch in its own context', async () => {
      const seen: unknown[] = [];
      const group = new GroupCommit(
        (q) => (seen.push([q.streamId, current()]), Promise.resolve(result(0))),
        () => Promise.reject(new Error('the batch failed as a whole')),
        { maxBatch: 10, maxInFlight: 1 },
      );
      await Promise.all(['x', 'y'].map((s) => context.with(as(s), () => group.submit(request(s)))));
      expect(seen).toEqual([['x', 'x'], ['y', 'y']]);
    });
  });
});
