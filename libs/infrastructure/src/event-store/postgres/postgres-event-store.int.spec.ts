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
