import type { NewEvent } from '#events';
import pg from 'pg';
import { createPool } from '../../postgres/pool.js';
import { migrate } from '../../postgres/migrate.js';
import { eventStoreContract, newEvent } from '#eventsourcing/testing';
import { PostgresEventStore } from './postgres-event-store.js';
import { testConfig } from '#infra/testing/test-config';

eventStoreContract('PostgreSQL', async () => {
  const pool = createPool(testConfig());
  await migrate(pool);
  return new PostgresEventStore(pool);
});

describe('PostgreSQL event store: events by idempotency key', () => {
  const pool = createPool(testConfig(), 2);
  const store = new PostgresEventStore(pool);
  beforeAll(() => migrate(pool));
  afterAll(() => pool.end());

  it('finds the stream’s events that carry the key, in revision order, through the partial index', async () => {
    const stream = `keyed-${crypto.randomUUID()}`;
    const keyed = (key: string | undefined): NewEvent => {
      const event = newEvent();
      return key === undefined ? event : { ...event, metadata: { ...event.metadata, idempotencyKey: key } };
    };
    await store.append(stream, [keyed('k-1'), keyed(undefined), keyed('k-2'), keyed('k-1')], 'no_stream');
    await store.append(`keyed-${crypto.randomUUID()}`, [keyed('k-1')], 'no_stream');
    expect((await store.readByIdempotencyKey(stream, 'k-1')).map((e) => e.streamRevision)).toEqual([0, 3]);
    expect(await store.readByIdempotencyKey(stream, 'k-3')).toEqual([]);
    const { rows } = await pool.query<{ plan: string }>(
      `EXPLAIN SELECT * FROM events WHERE stream_id = 'x' AND metadata->>'idempotencyKey' = 'k' ORDER BY stream_revision`,
    );
    expect(rows.map((r) => Object.values(r)[0]).join('\n')).toMatch(/events_idempotency_key/);
  });
});

describe('PostgreSQL event store: the log filtered by category', () => {
  const pool = createPool(testConfig(), 2);
  const store = new PostgresEventStore(pool);
  beforeAll(() => migrate(pool));
  afterAll(() => pool.end());

  it('leaves out the other categories, in pages of up to batchSize of those asked for, in log order', async () => {
    // Categories of this test alone, interleaved; the one asked for has LIKE's `_` in its name, which matches only itself.
    const tag = crypto.randomUUID().slice(0, 8);
    const [wanted, other, wildcard] = [`k_pt${tag}`, `left${tag}`, `kept${tag}`];
    const from = await store.readableHead();
    const kept: string[] = [];
    for (let i = 0; i < 5; i++) {
      const stream = `${wanted}-${i}`;
      await store.append(stream, [newEvent()], 'no_stream');
      kept.push(stream);
      await store.append(`${other}-${i}`, [newEvent()], 'no_stream');
      await store.append(`${wildcard}-${i}`, [newEvent()], 'no_stream');
    }
    const read: string[] = [];
    let position = from;
    const deadline = Date.now() + 10_000;
    while (read.length < 5 && Date.now() < deadline) {
      const page = await store.readAll(position, 2, { categories: [wanted] });
      expect(page.events.length).toBeLessThanOrEqual(2);
      read.push(...page.events.map((e) => e.streamId));
      position = page.events.at(-1)?.logPosition ?? position;
    }
    expect(read).toEqual(kept);
  });
});

describe('PostgreSQL event store: when an event occurred', () => {
  // The server's zone, and one that is not UTC (+05:45): the read gives the same ISO string.
  const pools = [createPool(testConfig(), 2), new pg.Pool({ connectionString: testConfig().databaseUrl, max: 2, options: '-c TimeZone=Asia/Kathmandu' })];
  beforeAll(() => migrate(pools[0]!));
  afterAll(() => Promise.all(pools.map((pool) => pool.end())));

  it.each(['2026-11-26T13:37:25.123Z', '2026-11-26T13:37:25.000Z', '1999-12-31T23:59:59.999Z'])('reads back %s as it was appended, whatever the session’s time zone', async (occurredAt) => {
    const stream = `occurred-${crypto.randomUUID()}`;
    const writer = new PostgresEventStore(pools[0]!);
    const { logPosition } = await writer.append(stream, [{ ...newEvent(), occurredAt }], 'no_stream');
    for (const pool of pools) {
      const store = new PostgresEventStore(pool);
      expect((await store.readStream(stream)).map((e) => e.occurredAt)).toEqual([occurredAt]);
      const before = { commit: logPosition.commit, prepare: logPosition.prepare - 1n };
      // Readable once every transaction that began before it has ended (another test's may be open).
      let page = await store.readAll(before, 1);
      for (const deadline = Date.now() + 10_000; page.events.length === 0 && Date.now() < deadline; ) {
        await new Promise((done) => setTimeout(done, 50));
        page = await store.readAll(before, 1);
      }
      expect(page.events.map((e) => [e.streamId, e.occurredAt])).toEqual([[stream, occurredAt]]);
    }
  });
});
