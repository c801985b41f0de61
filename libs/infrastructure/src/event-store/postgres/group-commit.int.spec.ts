import { randomUUID } from 'node:crypto';
import { createPool, type Pool } from '../../postgres/pool.js';
import { migrate } from '../../postgres/migrate.js';
import { newEvent } from '#eventsourcing/testing';
import { WrongExpectedRevisionError } from '#eventsourcing';
import { appendBatch, PostgresEventStore } from './postgres-event-store.js';
import { testConfig } from '#infra/testing/test-config';

describe('PostgreSQL group commit', () => {
  let pool: Pool;
  let store: PostgresEventStore;
  beforeAll(async () => {
    pool = createPool(testConfig(), 8);
    await migrate(pool);
    store = new PostgresEventStore(pool, { maxBatch: 64, maxInFlight: 1 });
  });
  afterAll(() => pool.end());

  const transactionsOf = async (streams: readonly string[]): Promise<number> => {
    const { rows } = await pool.query<{ n: string }>('SELECT count(DISTINCT transaction_id) AS n FROM events WHERE stream_id = ANY($1)', [streams]);
    return Number(rows[0]!.n);
  };

  it('commits concurrent appends together: fewer transactions than appends, every append stored once at its revision', async () => {
    const streams = Array.from({ length: 48 }, () => `gc-${randomUUID()}`);
    const results = await Promise.all(streams.map((s) => store.append(s, [newEvent('Probe', { s }), newEvent('Probe', { s, n: 2 })], 'no_stream')));
    expect(results.every((r) => r.nextRevision === 1)).toBe(true);
    expect(await transactionsOf(streams)).toBeLessThan(streams.length / 4);
    for (const [i, s] of streams.entries()) {
      const events = await store.readStream(s);
      expect(events.map((e) => e.streamRevision)).toEqual([0, 1]);
      expect(events.at(-1)!.globalPosition).toBe(results[i]!.globalPosition);
      expect(events.at(-1)!.logPosition).toEqual(results[i]!.logPosition);
    }
  });

  it('fails a conflicting append alone; the others of its batch are committed', async () => {
    const streams = Array.from({ length: 20 }, () => `gc-${randomUUID()}`);
    await Promise.all(streams.map((s) => store.append(s, [newEvent()], 'no_stream')));
    const outcomes = await Promise.allSettled(streams.map((s, i) => store.append(s, [newEvent()], i % 5 === 0 ? 7 : 0)));
    outcomes.forEach((outcome, i) => {
      if (i % 5 === 0) {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason).toEqual(new WrongExpectedRevisionError(streams[i]!, 7, 0));
      } else {
        expect(outcome).toEqual({ status: 'fulfilled', value: expect.objectContaining({ nextRevision: 1 }) });
      }
    });
    const { rows } = await pool.query<{ stream_id: string; n: string }>('SELECT stream_id, count(*) AS n FROM events WHERE stream_id = ANY($1) GROUP BY 1', [streams]);
    expect(new Map(rows.map((r) => [r.stream_id, Number(r.n)]))).toEqual(new Map(streams.map((s, i) => [s, i % 5 === 0 ? 1 : 2])));
  });

  it('answers each append of a batch by itself, in one transaction, through append_batch', async () => {
    const [a, b, c] = [`gc-${randomUUID()}`, `gc-${randomUUID()}`, `gc-${randomUUID()}`];
    await store.append(b, [newEvent()], 'no_stream');
    const outcomes = await appendBatch(pool, [
      { streamId: a, events: [newEvent(), newEvent()], expected: 'no_stream' },
      { streamId: b, events: [newEvent()], expected: 'no_stream' },
      { streamId: c, events: [newEvent()], expected: 'any' },
    ]);
    expect(outcomes.map((o) => (o.ok ? o.result.nextRevision : (o.error as WrongExpectedRevisionError).actual))).toEqual([1, 0, 0]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(await transactionsOf([a, c])).toBe(1);
  });

  it('when one append reuses an event id, fails that append alone and commits the rest, each once', async () => {
    const taken = newEvent();
    await store.append(`gc-${randomUUID()}`, [taken], 'no_stream');
    const streams = Array.from({ length: 12 }, () => `gc-${randomUUID()}`);
    const outcomes = await Promise.allSettled(streams.map((s, i) => store.append(s, [i === 6 ? taken : newEvent()], 'no_stream')));
    expect(outcomes.map((o) => o.status)).toEqual(streams.map((_, i) => (i === 6 ? 'rejected' : 'fulfilled')));
    const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE stream_id = ANY($1)', [streams]);
    expect(Number(rows[0]!.n)).toBe(11);
  });

  it('keeps one stream’s concurrent appends in the order they were made', async () => {
    const stream = `gc-${randomUUID()}`;
    const events = Array.from({ length: 30 }, (_, i) => newEvent('Probe', { i }));
    const results = await Promise.all(events.map((e) => store.append(stream, [e], 'any')));
    expect(results.map((r) => r.nextRevision)).toEqual(events.map((_, i) => i));
    expect((await store.readStream(stream)).map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
  });
});
