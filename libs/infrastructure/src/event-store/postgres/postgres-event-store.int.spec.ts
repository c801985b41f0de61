import type { NewEvent } from '#events';
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
