import type { NewEvent } from '#events';
import { START_OF_LOG, WrongExpectedRevisionError, comparePositions, type EventStore } from '../event-store.port.js';

export const newEvent = (type = 'MoneyDeposited', data: unknown = { n: 1 }): NewEvent => ({
  eventId: crypto.randomUUID(),
  type,
  schemaVersion: 1,
  occurredAt: new Date().toISOString(),
  data,
  metadata: { correlationId: crypto.randomUUID(), causationId: null },
});

const freshStream = (): string => `contract-${crypto.randomUUID()}`;

/**
 * The behaviour every EventStore adapter must have. Call inside a test file with a factory for a
 * connected store; `skipReason` reports the whole suite as skipped (never passed) when the
 * adapter's server is not reachable.
 */
export const eventStoreContract = (name: string, connect: () => Promise<EventStore>, skipReason?: string): void => {
  const describeOrSkip = skipReason ? describe.skip : describe;
  describeOrSkip(`EventStore contract: ${name}${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
    let store: EventStore;
    beforeAll(async () => {
      store = await connect();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('appends to a new stream with no_stream and reads it back in order', async () => {
      const stream = freshStream();
      const events = [newEvent('A', { i: 0 }), newEvent('B', { i: 1 }), newEvent('C', { i: 2 })];
      const result = await store.append(stream, events, 'no_stream');
      expect(result.nextRevision).toBe(2);
      const read = await store.readStream(stream);
      expect(read.map((e) => [e.eventId, e.type, e.streamRevision, e.data])).toEqual(
        events.map((e, i) => [e.eventId, e.type, i, e.data]),
      );
      expect(read[2]?.globalPosition).toBe(result.globalPosition);
      expect(read.every((e) => e.streamId === stream && e.metadata.correlationId !== undefined)).toBe(true);
    });

    it('appends at the expected revision and rejects a stale one with a typed error, appending nothing', async () => {
      const stream = freshStream();
      await store.append(stream, [newEvent()], 'no_stream');
      await store.append(stream, [newEvent()], 0);
      const stale = store.append(stream, [newEvent()], 0);
      await expect(stale).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(stale).rejects.toMatchObject({ streamId: stream, expected: 0, actual: 1 });
      expect(await store.readStream(stream)).toHaveLength(2);
    });

    it('rejects no_stream on an existing stream and a revision on a missing one', async () => {
      const stream = freshStream();
      await store.append(stream, [newEvent()], 'no_stream');
      await expect(store.append(stream, [newEvent()], 'no_stream')).rejects.toMatchObject({ actual: 0 });
      await expect(store.append(freshStream(), [newEvent()], 3)).rejects.toMatchObject({ actual: null });
    });

    it("appends with 'any' whatever the revision", async () => {
      const stream = freshStream();
      await store.append(stream, [newEvent()], 'any');
      const result = await store.append(stream, [newEvent(), newEvent()], 'any');
      expect(result.nextRevision).toBe(2);
    });

    it('reads a stream from a revision, and an unknown stream as empty', async () => {
      const stream = freshStream();
      await store.append(stream, [newEvent(), newEvent(), newEvent()], 'no_stream');
      expect((await store.readStream(stream, 1)).map((e) => e.streamRevision)).toEqual([1, 2]);
      expect(await store.readStream(freshStream())).toEqual([]);
    });

    it('lets exactly one of two racing writers at the same revision win', async () => {
      const stream = freshStream();
      await store.append(stream, [newEvent()], 'no_stream');
      const outcomes = await Promise.allSettled([store.append(stream, [newEvent()], 0), store.append(stream, [newEvent()], 0)]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.find((o) => o.status === 'rejected');
      expect((rejected as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    });

    it('reads all events in global order, in pages, continuing from a position', async () => {
      const stream = freshStream();
      const first = await store.append(stream, [newEvent(), newEvent()], 'no_stream');
      const before = { commit: first.logPosition.commit, prepare: first.logPosition.prepare };
      await store.append(stream, [newEvent(), newEvent(), newEvent()], 1);
      // Transactions in flight elsewhere hold the readable log back, so read until ours appear.
      const seen: number[] = [];
      let from = before;
      const deadline = Date.now() + 10_000;
      while (seen.length < 3 && Date.now() < deadline) {
        const page = await store.readAll(from, 2);
        if (page.events.length === 0) await new Promise((r) => setTimeout(r, 20));
        for (const e of page.events) {
          expect(comparePositions(e.logPosition, from)).toBe(1);
          if (e.streamId === stream) seen.push(e.streamRevision);
        }
        from = page.next;
      }
      expect(seen).toEqual([2, 3, 4]);
      const page = await store.readAll(from, 10);
      expect(comparePositions(page.next, page.events.at(-1)?.logPosition ?? from)).toBeGreaterThanOrEqual(0);
      expect((await store.readAll(START_OF_LOG, 1)).events).toHaveLength(1);
    });

    it('gives a readable head: events before it are readable now, events appended later are after it', async () => {
      const stream = freshStream();
      const before = await store.append(stream, [newEvent()], 'no_stream');
      let head = await store.readableHead();
      const deadline = Date.now() + 10_000;
      while (comparePositions(before.logPosition, head) >= 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20)); // another transaction in flight holds it back
        head = await store.readableHead();
      }
      expect(comparePositions(before.logPosition, head)).toBe(-1);
      const after = await store.append(stream, [newEvent()], 0);
      expect(comparePositions(after.logPosition, head)).toBeGreaterThanOrEqual(0);
      expect(comparePositions(await store.readableHead(), head)).toBeGreaterThanOrEqual(0);
    });
  });
};
