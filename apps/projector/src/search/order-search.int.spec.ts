import { randomUUID } from 'node:crypto';
import { orderStreamId, type EventEnvelope, type KnownEvent, type NewEvent, type OrderEvent } from '#events';
import { createElasticsearch } from '#infra/elasticsearch/elasticsearch';
import { deleteIndices } from '#infra/testing/elasticsearch-cleanup';
import { PostgresEventStore } from '#infra/event-store/postgres/postgres-event-store';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import type { OrderHistoryRow } from '#infra/read-models/order-history.table';
import { evolveOrderHistory } from '../projections/order-history.projection.js';
import { ensureOrderSearchIndex, indexBehind } from './order-search.index.js';
import { toSearchDocument, type OrderSearchDocument } from './order-search.document.js';
import { rebuildOrderSearch } from './order-search.rebuild.js';
import { OrderSearchWriter } from './order-search.writer.js';
import { testConfig } from '#infra/testing/test-config';

const meta = { correlationId: randomUUID(), causationId: null };
const now = (): string => new Date().toISOString();
const createdEvent = (orderId: string, name = 'Blue Kettle'): NewEvent => ({
  eventId: randomUUID(), type: 'OrderCreated', schemaVersion: 1, occurredAt: now(), metadata: meta,
  data: { orderId, customerId: 'c-search', accountId: randomUUID(), currency: 'EUR', items: [{ sku: 'KT-100', name, quantity: 2, unitPrice: 1500 }], total: 3000, createdAt: now() },
});
const shippedEvent = (orderId: string): NewEvent => ({
  eventId: randomUUID(), type: 'OrderShipped', schemaVersion: 1, occurredAt: now(), metadata: meta, data: { orderId, shippedAt: now() },
});
const cancelledEvent = (orderId: string): NewEvent => ({
  eventId: randomUUID(), type: 'OrderCancelled', schemaVersion: 1, occurredAt: now(), metadata: meta, data: { orderId, reason: 'late', cancelledAt: now() },
});
const at = (event: NewEvent, revision: number): EventEnvelope<KnownEvent> =>
  ({ ...event, streamId: orderStreamId((event.data as { orderId: string }).orderId), streamRevision: revision, globalPosition: String(revision + 1) }) as EventEnvelope<KnownEvent>;

describe('order search on a real Elasticsearch node', () => {
  const es = createElasticsearch(testConfig().elasticsearchUrl);
  const alias = `it-orders-${randomUUID().slice(0, 8)}`;
  let pool: Pool;
  let store: PostgresEventStore;
  let writer: OrderSearchWriter;
  let index: string;

  beforeAll(async () => {
    pool = createPool(testConfig(), 6);
    await migrate(pool);
    store = new PostgresEventStore(pool);
    writer = new OrderSearchWriter(es, store);
    index = await ensureOrderSearchIndex(es, alias);
  });
  afterAll(async () => {
    await deleteIndices(es, `${alias}-*`);
    await es.close();
    await pool.end();
  });

  const doc = async (orderId: string): Promise<{ source: OrderSearchDocument; version: number } | null> => {
    const found = await es.get<OrderSearchDocument>({ index: alias, id: orderId }).catch(() => null);
    return found?._source ? { source: found._source, version: found._version ?? -1 } : null;
  };

  it('puts the first index behind the alias with the explicit mapping, once', async () => {
    expect(index).toBe(`${alias}-0`);
    expect(await ensureOrderSearchIndex(es, alias)).toBe(index);
    const mapping = await es.indices.getMapping({ index });
    const properties = mapping[index]!.mappings.properties!;
    expect(properties['orderId']).toEqual({ type: 'keyword' });
    expect(properties['status']).toEqual({ type: 'keyword' });
    expect(properties['total']).toEqual({ type: 'long' });
    expect(properties['createdAt']).toEqual({ type: 'date' });
    const items = (properties['items'] as { properties: Record<string, { type: string; fields?: Record<string, { type: string }> }> }).properties;
    expect(items['name']?.type).toBe('text');
    expect(items['name']?.fields?.['keyword']?.type).toBe('keyword');
    expect(items['sku']?.fields?.['keyword']?.type).toBe('keyword');
    expect(mapping[index]!.mappings.dynamic).toBe('strict');
  });

  it('indexes an order at its stream revision; the same events again, or stale ones, change nothing', async () => {
    const orderId = randomUUID();
    const events = [at(createdEvent(orderId), 0), at(shippedEvent(orderId), 1)];
    expect(await writer.apply(alias, events)).toEqual({ applied: 2, skipped: 0, rejected: [] });
    const first = await doc(orderId);
    expect(first?.version).toBe(1);
    expect(first?.source).toMatchObject({ orderId, status: 'shipped', total: 3000, itemCount: 2, revision: 1 });

    expect(await writer.apply(alias, events)).toEqual({ applied: 0, skipped: 2, rejected: [] });
    expect(await writer.apply(alias, events.slice(0, 1))).toEqual({ applied: 0, skipped: 1, rejected: [] });
    expect(await doc(orderId)).toEqual(first);
  });

  it('refuses a stale write even when it reaches Elasticsearch (external versioning, 409)', async () => {
    const orderId = randomUUID();
    await writer.apply(alias, [at(createdEvent(orderId), 0), at(cancelledEvent(orderId), 1)]);
    const stale = toSearchDocument(evolveOrderHistory(null, at(createdEvent(orderId), 0) as EventEnvelope<OrderEvent>));
    const response = await es.bulk({ operations: [{ index: { _index: alias, _id: orderId, version: 0, version_type: 'external' } }, stale] });
    expect(response.items[0]?.index?.status).toBe(409);
    expect((await doc(orderId))?.source.status).toBe('cancelled');
  });

  it('folds an order again from the event store when the events it receives do not follow on', async () => {
    const orderId = randomUUID();
    const stream = orderStreamId(orderId);
    await store.append(stream, [createdEvent(orderId, 'Copper Pan')], 'no_stream');
    await store.append(stream, [cancelledEvent(orderId)], 0);
    const [, cancelled] = await store.readStream(stream);
    // Only the second event arrives (as after a rebuild swapped in an index that lacks the first).
    expect(await writer.apply(alias, [cancelled as unknown as EventEnvelope<KnownEvent>])).toMatchObject({ applied: 1, rejected: [] });
    expect((await doc(orderId))?.source).toMatchObject({ orderId, status: 'cancelled', items: [{ name: 'Copper Pan' }], revision: 1 });
  });

  it('rejects, for the dead-letter topic, an event of an order that exists nowhere', async () => {
    const orderId = randomUUID();
    const outcome = await writer.apply(alias, [at(shippedEvent(orderId), 3)]);
    expect(outcome.applied).toBe(0);
    expect(outcome.rejected).toHaveLength(1);
    expect(await doc(orderId)).toBeNull();
  });

  it('writing behind (a rebuild\'s exclusive writer) indexes an order when it is evicted or flushed, not at each event, in bulk requests split by size', async () => {
    const target = await ensureOrderSearchIndex(es, `${alias}-behind`);
    let requests = 0;
    // The real client, counting its bulk requests.
    const counting = new Proxy(es, { get: (client, key) => (key === 'bulk' ? (...args: Parameters<typeof es.bulk>) => (requests++, client.bulk(...args)) : Reflect.get(client, key)) });
    // Each order weighs 2 (one line item); a body limit of 1 byte makes one request per document.
    const behind = new OrderSearchWriter(counting, store, { exclusive: true, cacheWeight: 20, maxBulkBytes: 1 });
    const orders = Array.from({ length: 12 }, () => randomUUID());
    // 12 orders weigh 24: the 3 oldest are evicted down to 18, so indexed; the other 9 are held.
    const created = await behind.apply(target, orders.map((id) => at(createdEvent(id), 0)));
    expect({ applied: created.applied, requests }).toEqual({ applied: 3, requests: 3 });
    // The evicted 3 are read back from the index; all 12 are held again, and the oldest 3 evicted.
    const shipped = await behind.apply(target, orders.map((id) => at(shippedEvent(id), 1)));
    expect({ applied: shipped.applied, requests }).toEqual({ applied: 3, requests: 6 });
    // The 9 held since their creation are indexed once each, with both of their events.
    const flushed = await behind.flush(target);
    expect({ applied: flushed.applied, requests }).toEqual({ applied: 18, requests: 15 });
    expect(await behind.flush(target)).toEqual({ applied: 0, skipped: 0, rejected: [] });
    await es.indices.refresh({ index: target });
    for (const id of orders) {
      const found = await es.get<OrderSearchDocument>({ index: target, id });
      expect({ status: found._source?.status, revision: found._source?.revision }).toEqual({ status: 'shipped', revision: 1 });
    }
  });

  it('writing behind, indexes in the background the orders left unchanged for two pages, while the next pages are folded', async () => {
    const target = await ensureOrderSearchIndex(es, `${alias}-settled`);
    const behind = new OrderSearchWriter(es, store, { exclusive: true });
    const [a, b, c, d] = [Array.from({ length: 3 }, () => randomUUID()), [randomUUID()], [randomUUID()], [randomUUID()]];
    const page = (ids: string[]) => behind.apply(target, ids.map((id) => at(createdEvent(id), 0)));
    expect((await page(a)).applied).toBe(0);
    expect((await page(b)).applied).toBe(0);
    // Page 3 starts indexing page 1's orders; page 4 waits for that and reports them.
    expect((await page(c)).applied).toBe(0);
    expect((await page(d)).applied).toBe(3);
    await es.indices.refresh({ index: target });
    const indexed = async (id: string) => (await es.exists({ index: target, id }));
    expect(await Promise.all([...a, ...c].map(indexed))).toEqual([true, true, true, false]);
    // The flush writes the rest: page 2's (under way in the background) and pages 3 and 4.
    expect((await behind.flush(target)).applied).toBe(3);
  });

  it('rebuilds into a new index from the event store, swaps the alias atomically and deletes the old index', async () => {
    const orders = Array.from({ length: 40 }, () => randomUUID());
    for (const [i, orderId] of orders.entries()) {
      await store.append(orderStreamId(orderId), [createdEvent(orderId, `Widget ${i}`)], 'no_stream');
      if (i % 2) await store.append(orderStreamId(orderId), [i % 4 === 1 ? shippedEvent(orderId) : cancelledEvent(orderId)], 0);
    }
    const before = await indexBehind(es, alias);
    const result = await rebuildOrderSearch(es, alias, { pool, store, batchSize: 500 });
    expect(result.previous).toBe(before);
    expect(result.index).not.toBe(before);
    expect(await indexBehind(es, alias)).toBe(result.index);
    expect(await es.indices.exists({ index: before! })).toBe(false);
    expect(result.rejected).toBe(0);

    // Each document equals the order folded from its stream.
    for (const orderId of orders) {
      const stored = await store.readStream(orderStreamId(orderId));
      const expected = stored.reduce<OrderHistoryRow | null>((row, e) => evolveOrderHistory(row, e as unknown as EventEnvelope<OrderEvent>), null)!;
      const found = await doc(orderId);
      expect(found?.source).toEqual(toSearchDocument(expected));
      expect(found?.version).toBe(expected.revision);
    }
    const state = await pool.query("SELECT status FROM projection_state WHERE name = 'order-search'");
    expect(state.rows[0]?.status).toBe('live');
  });
});
