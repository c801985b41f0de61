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
import { bulkChunks, bulkRequest, type Write } from './order-search.bulk.js';
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
const paidEvent = (orderId: string): NewEvent => ({
  eventId: randomUUID(), type: 'OrderPaid', schemaVersion: 1, occurredAt: now(), metadata: meta, data: { orderId, accountId: randomUUID(), amount: 3000, paidAt: now() },
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

  /** The real client, counting its bulk requests. */
  const countingBulks = (): { client: typeof es; requests: () => number } => {
    let requests = 0;
    const client = new Proxy(es, { get: (target, key) => (key === 'bulk' ? (...args: Parameters<typeof es.bulk>) => (requests++, target.bulk(...args)) : Reflect.get(target, key)) });
    return { client, requests: () => requests };
  };

  it('writing behind (a rebuild\'s exclusive writer), lets the least recently changed orders go past its weight limit, indexed in bulk requests split by size, no more under way at once than it is allowed', async () => {
    const target = await ensureOrderSearchIndex(es, `${alias}-behind`);
    const counting = countingBulks();
    const behind = new OrderSearchWriter(counting.client, store, { exclusive: true, cacheWeight: 20, maxBulkBytes: 1, bulksInFlight: 1 });
    const orders = Array.from({ length: 12 }, () => randomUUID());
    // Each created order weighs 3 (itself, its line item, its event not yet indexed): 12 weigh 36, so
    // the 6 least recently changed go, down to 18, in a request each (a body limit of 1 byte), one
    // at a time: the call waits for the first 5.
    const created = await behind.apply(target, orders.map((id) => at(createdEvent(id), 0)));
    expect({ applied: created.applied, requests: counting.requests() }).toEqual({ applied: 5, requests: 6 });
    const flushed = await behind.flush(target);
    expect({ applied: flushed.applied, requests: counting.requests() }).toEqual({ applied: 7, requests: 12 });
    // None is held now: each is read back from the index for its next event.
    const shipped = await behind.apply(target, orders.map((id) => at(shippedEvent(id), 1)));
    expect({ applied: shipped.applied + (await behind.flush(target)).applied, requests: counting.requests() }).toEqual({ applied: 12, requests: 24 });
    expect(await behind.flush(target)).toEqual({ applied: 0, skipped: 0, rejected: [] });
    await es.indices.refresh({ index: target });
    for (const id of orders) {
      const found = await es.get<OrderSearchDocument>({ index: target, id });
      expect({ status: found._source?.status, revision: found._source?.revision }).toEqual({ status: 'shipped', revision: 1 });
    }
  });

  it('writing behind, indexes an order once it is final (shipped, or cancelled unpaid), in the background, and holds an open one, changed in memory, until the flush', async () => {
    const target = await ensureOrderSearchIndex(es, `${alias}-final`);
    const counting = countingBulks();
    const behind = new OrderSearchWriter(counting.client, store, { exclusive: true });
    const [open, shipped, cancelled] = [randomUUID(), randomUUID(), randomUUID()];
    const created = await behind.apply(target, [open, shipped, cancelled].map((id) => at(createdEvent(id), 0)));
    expect({ applied: created.applied, requests: counting.requests() }).toEqual({ applied: 0, requests: 0 });
    await behind.apply(target, [at(paidEvent(open), 1), at(shippedEvent(shipped), 1), at(cancelledEvent(cancelled), 1)]);
    expect(counting.requests()).toBe(1); // the shipped and the cancelled order; the paid one is still open
    await behind.apply(target, [at(shippedEvent(open), 2)]);
    expect(counting.requests()).toBe(2);
    // Every order was indexed once, with all its events.
    expect(await behind.flush(target)).toEqual({ applied: 7, skipped: 0, rejected: [] });
    expect(counting.requests()).toBe(2);
    await es.indices.refresh({ index: target });
    const indexed = await Promise.all([open, shipped, cancelled].map(async (id) => (await es.get<OrderSearchDocument>({ index: target, id }))._source));
    expect(indexed.map((d) => [d?.status, d?.paymentStatus, d?.revision])).toEqual([['shipped', 'paid', 2], ['shipped', 'pending', 1], ['cancelled', 'unpaid', 1]]);
  });

  it('sends bulk bodies as bytes split by size, multi-byte text included, and matches each item of the answer with its order: indexed, stale (409) or rejected', async () => {
    const target = await ensureOrderSearchIndex(es, `${alias}-bytes`);
    const write = (row: OrderHistoryRow, events: EventEnvelope<KnownEvent>[]): Write =>
      ({ id: row.orderId, row, doc: toSearchDocument(row), events: events as EventEnvelope<OrderEvent>[] });
    const folded = (event: EventEnvelope<KnownEvent>): OrderHistoryRow => evolveOrderHistory(null, event as EventEnvelope<OrderEvent>);
    const [plain, accented, stale, refused] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const created = [plain, accented, stale, refused].map((id, i) => at(createdEvent(id, ['Kettle', 'Crème brûlée 🍮 Ω', 'Mug', 'Pan'][i]), 0));
    const [plainRow, accentedRow, staleRow, refusedRow] = created.map(folded) as [OrderHistoryRow, OrderHistoryRow, OrderHistoryRow, OrderHistoryRow];
    // The stale order is indexed at revision 3 first; its document at revision 0 below is refused.
    expect(await bulkRequest(es, [...bulkChunks(target, [write({ ...staleRow, revision: 3 }, [])], 1 << 20)][0]!, false)).toMatchObject({ rejected: [] });
    // A field the strict mapping does not have: Elasticsearch rejects that document alone.
    const writes = [write(plainRow, [created[0]!]), write(accentedRow, [created[1]!]), write(staleRow, [created[2]!]), write({ ...refusedRow, unknownField: 1 } as OrderHistoryRow, [created[3]!])];
    const one = [...bulkChunks(target, writes, 1 << 20)];
    expect(one).toHaveLength(1);
    expect(one[0]!.body.toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown)).toEqual(
      writes.flatMap((w) => [{ index: { _index: target, _id: w.id, version: w.doc.revision, version_type: 'external' } }, w.doc]),
    );
    const outcome = await bulkRequest(es, one[0]!, true);
    expect({ applied: outcome.applied, skipped: outcome.skipped, rejected: outcome.rejected.map((r) => r.event.streamId) }).toEqual({
      applied: 2, skipped: 1, rejected: [orderStreamId(refused)],
    });
    expect((await es.get<OrderSearchDocument>({ index: target, id: accented }))._source?.items[0]?.name).toBe('Crème brûlée 🍮 Ω');
    // Split by size in bytes: a limit just under two documents' bytes gives one request per document.
    const size = one[0]!.body.length;
    expect([...bulkChunks(target, writes.slice(0, 2), Math.floor(size / 2))].map((c) => c.writes.map((w) => w.id))).toEqual([[plain], [accented]]);
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
