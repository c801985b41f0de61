import { randomUUID } from 'node:crypto';
import { orderStreamId, type EventEnvelope, type KnownEvent } from '#events';
import { createElasticsearch } from '#infra/elasticsearch/elasticsearch';
import { PostgresEventStore } from '#infra/event-store/postgres/postgres-event-store';
import { createPool, type Pool } from '#infra/postgres/pool';
import { deleteIndices } from '#infra/testing/elasticsearch-cleanup';
import { testConfig } from '#infra/testing/test-config';
import { ensureOrderSearchIndex } from '../../../projector/src/search/order-search.index.js';
import { OrderSearchWriter } from '../../../projector/src/search/order-search.writer.js';
import { envelope, principal } from '../testing/read-model-fixtures.js';
import { OrderSearchService } from './order-search.service.js';
import type { OrderSearchQueryDto } from './search-query.dto.js';

describe('OrderSearchService: a customer searches their own orders (real Elasticsearch)', () => {
  const alias = `it-search-owners-${randomUUID().slice(0, 8)}`;
  const config = testConfig({ orderSearchAlias: alias });
  const es = createElasticsearch(config.elasticsearchUrl);
  let pool: Pool;
  let search: OrderSearchService;
  const alice = principal(`subject-${randomUUID()}`, 'customer');
  const bob = principal(`subject-${randomUUID()}`, 'customer');
  const oscar = principal(`subject-${randomUUID()}`, 'operator');
  const mine = new Set<string>();

  beforeAll(async () => {
    pool = createPool(config, 2);
    await ensureOrderSearchIndex(es, alias);
    const events: EventEnvelope<KnownEvent>[] = [];
    const t0 = Date.parse('2026-05-01T08:00:00.000Z');
    // 30 kettle orders, every third one Alice's, interleaved in time with Bob's.
    for (let i = 0; i < 30; i++) {
      const orderId = randomUUID();
      const customer = i % 3 === 0 ? alice : bob;
      if (customer === alice) mine.add(orderId);
      const createdAt = new Date(t0 + i * 60_000).toISOString();
      events.push(envelope(orderStreamId(orderId), 0, 'OrderCreated', {
        orderId, customerId: customer.subject, accountId: randomUUID(), currency: 'EUR',
        items: [{ sku: 'KT-100', name: 'Blue Kettle', quantity: 1, unitPrice: 1000 + i }], total: 1000 + i, createdAt,
      }, new Date(createdAt)));
    }
    const writer = new OrderSearchWriter(es, new PostgresEventStore(pool));
    expect((await writer.apply(alias, events, { refresh: true })).rejected).toEqual([]);
    search = new OrderSearchService(es, config);
  });
  afterAll(async () => {
    await deleteIndices(es, `${alias}-*`);
    await es.close();
    await pool.end();
  });

  const everyPage = async (caller: typeof alice, query: OrderSearchQueryDto): Promise<{ ids: string[]; totals: number[] }> => {
    const ids: string[] = [];
    const totals: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await search.search(caller, { ...query, limit: 3, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((item) => item['orderId'] as string));
      totals.push(page.total);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { ids, totals };
  };

  it('finds only the customer’s orders, with their total, counts and pages', async () => {
    const first = await search.search(alice, { q: 'kettle', limit: 3 });
    expect(first.total).toBe(10);
    expect(first.countsByStatus).toEqual({ created: 10, cancelled: 0, shipped: 0 });
    const all = await everyPage(alice, { q: 'kettle', sort: 'newest' });
    expect(all.ids).toHaveLength(10);
    expect(new Set(all.ids)).toEqual(mine);
    expect(new Set(all.totals)).toEqual(new Set([10]));
  });

  it('another customer’s id in the query finds nothing, neither as a filter nor as text', async () => {
    expect((await search.search(bob, { customerId: alice.subject })).total).toBe(0);
    expect((await search.search(bob, { q: alice.subject })).total).toBe(0);
    expect((await search.search(bob, { q: [...mine][0]! })).total).toBe(0);
  });

  it('an operator searches every order, and can narrow it to a customer', async () => {
    expect((await search.search(oscar, { q: 'kettle' })).total).toBe(30);
    expect((await search.search(oscar, { customerId: bob.subject })).total).toBe(20);
  });

  it('answers 503 search_unavailable, not a 500, while the index does not exist yet', async () => {
    const missing = new OrderSearchService(es, testConfig({ orderSearchAlias: `it-search-missing-${randomUUID().slice(0, 8)}` }));
    await expect(missing.search(oscar, {})).rejects.toMatchObject({ status: 503, response: { error: 'search_unavailable' } });
  });
});
