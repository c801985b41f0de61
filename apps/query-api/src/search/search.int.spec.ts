import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { orderStreamId, type EventEnvelope, type KnownEvent } from '#events';
import { createElasticsearch } from '#infra/elasticsearch/elasticsearch';
import { deleteIndices } from '#infra/testing/elasticsearch-cleanup';
import { PostgresEventStore } from '#infra/event-store/postgres/postgres-event-store';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { ensureOrderSearchIndex } from '../../../projector/src/search/order-search.index.js';
import { OrderSearchWriter } from '../../../projector/src/search/order-search.writer.js';
import { encodeCursor } from '../shared/cursor.js';
import { bootstrap } from '../main.js';
import { testConfig } from '#infra/testing/test-config';
import { bearer } from '../../../../test/support/tokens.js';

interface Hit {
  orderId: string;
  customerId: string;
  status: string;
  total: number;
  createdAt: string;
}
interface SearchReply {
  items: Hit[];
  total: number;
  countsByStatus: Record<string, number>;
  nextCursor: string | null;
}

const meta = { correlationId: randomUUID(), causationId: null };
const CATALOGUE = [
  { sku: 'KT-100', name: 'Blue Kettle' },
  { sku: 'PN-220', name: 'Copper Pan' },
  { sku: 'MG-310', name: 'Stoneware Mug' },
];

/** Tokens from the local Keycloak: oscar, an operator, searches every order; alice, a customer, her own. */
describe('GET /orders/search on a real Elasticsearch node', () => {
  const alias = `it-search-${randomUUID().slice(0, 8)}`;
  const customer = `cust-${randomUUID().slice(0, 8)}`;
  const es = createElasticsearch(testConfig().elasticsearchUrl);
  let pool: Pool;
  let app: INestApplication;
  let base: string;
  let oscar: Record<string, string>;
  let alice: Record<string, string>;
  let aliceSubject: string;
  const alicesOrder = randomUUID();
  const orders: { orderId: string; total: number; status: string; createdAt: string; sku: string }[] = [];

  const event = (orderId: string, revision: number, type: string, data: object, at: string): EventEnvelope<KnownEvent> =>
    ({ eventId: randomUUID(), type, schemaVersion: 1, streamId: orderStreamId(orderId), streamRevision: revision, globalPosition: '1', occurredAt: at, data, metadata: meta }) as EventEnvelope<KnownEvent>;

  beforeAll(async () => {
    [oscar, alice] = [await bearer('oscar'), await bearer('alice')];
    aliceSubject = decodeJwt(alice['authorization']!.replace(/^Bearer /, '')).sub!;
    pool = createPool(testConfig(), 4);
    await migrate(pool);
    await ensureOrderSearchIndex(es, alias);
    const writer = new OrderSearchWriter(es, new PostgresEventStore(pool));
    const events: EventEnvelope<KnownEvent>[] = [];
    const t0 = Date.parse('2026-05-01T08:00:00.000Z');
    events.push(event(alicesOrder, 0, 'OrderCreated', {
      orderId: alicesOrder, customerId: aliceSubject, accountId: randomUUID(), currency: 'EUR', items: [{ ...CATALOGUE[0]!, quantity: 1, unitPrice: 500 }], total: 500,
      createdAt: new Date(t0).toISOString(),
    }, new Date(t0).toISOString()));
    for (let i = 0; i < 36; i++) {
      const orderId = randomUUID();
      const item = CATALOGUE[i % 3]!;
      const createdAt = new Date(t0 + i * 3_600_000).toISOString();
      const total = 1000 + i * 100;
      const status = i % 4 === 0 ? 'shipped' : i % 4 === 1 ? 'cancelled' : 'created';
      orders.push({ orderId, total, status, createdAt, sku: item.sku });
      events.push(event(orderId, 0, 'OrderCreated', {
        orderId, customerId: customer, accountId: randomUUID(), currency: 'EUR', items: [{ ...item, quantity: 1, unitPrice: total }], total, createdAt,
      }, createdAt));
      if (status === 'shipped') events.push(event(orderId, 1, 'OrderShipped', { orderId, shippedAt: createdAt }, createdAt));
      if (status === 'cancelled') events.push(event(orderId, 1, 'OrderCancelled', { orderId, reason: 'no stock', cancelledAt: createdAt }, createdAt));
    }
    expect((await writer.apply(alias, events, { refresh: true })).rejected).toEqual([]);
    app = await bootstrap(testConfig({ queryApiPort: 0, orderSearchAlias: alias }));
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app.close();
    await deleteIndices(es, `${alias}-*`);
    await es.close();
    await pool.end();
  });

  const search = async (query: string, as = oscar): Promise<{ status: number; body: SearchReply & Record<string, unknown> }> => {
    const response = await fetch(`${base}/orders/search?customerId=${customer}&${query}`, { headers: as });
    return { status: response.status, body: (await response.json()) as SearchReply & Record<string, unknown> };
  };
  const all = async (query: string, limit: number): Promise<Hit[]> => {
    const hits: Hit[] = [];
    let cursor: string | null = null;
    do {
      const page = await search(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      hits.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return hits;
  };

  it('finds orders by item name, by SKU (any case) and by order id', async () => {
    const kettles = orders.filter((o) => o.sku === 'KT-100').map((o) => o.orderId);
    const byName = await all('q=kettle', 50);
    expect(new Set(byName.map((h) => h.orderId))).toEqual(new Set(kettles));
    const bySku = await all('q=kt-100', 50);
    expect(new Set(bySku.map((h) => h.orderId))).toEqual(new Set(kettles));
    const byTwoWords = await all('q=copper%20pan', 50);
    expect(byTwoWords).toHaveLength(12);
    const one = await search(`q=${orders[5]!.orderId}`);
    expect(one.body.items.map((h) => h.orderId)).toEqual([orders[5]!.orderId]);
  });

  it('filters by status, total range and date range, and counts per status', async () => {
    const shipped = await search('status=shipped&limit=100');
    expect(shipped.body.items.every((h) => h.status === 'shipped')).toBe(true);
    expect(shipped.body.items).toHaveLength(9);
    expect(shipped.body.countsByStatus).toEqual({ created: 18, cancelled: 9, shipped: 9 }); // counts ignore the status filter
    const range = await all('minTotal=2000&maxTotal=3000', 100);
    expect(new Set(range.map((h) => h.orderId))).toEqual(new Set(orders.filter((o) => o.total >= 2000 && o.total <= 3000).map((o) => o.orderId)));
    const from = orders[10]!.createdAt;
    const to = orders[19]!.createdAt;
    const dated = await all(`createdFrom=${from}&createdTo=${to}`, 100);
    expect(dated).toHaveLength(10);
  });

  it('pages with search_after in every sort without repeating or skipping an order', async () => {
    const newest = await all('sort=newest', 7);
    expect(newest.map((h) => h.orderId)).toEqual([...orders].reverse().map((o) => o.orderId));
    const oldest = await all('sort=oldest', 5);
    expect(oldest.map((h) => h.orderId)).toEqual(orders.map((o) => o.orderId));
    const byTotal = await all('sort=total_desc', 8);
    expect(byTotal.map((h) => h.total)).toEqual([...orders].map((o) => o.total).sort((a, b) => b - a));
    const relevance = await all('q=mug', 5);
    expect(new Set(relevance.map((h) => h.orderId)).size).toBe(12);
    const first = await search('');
    expect(first.body.items).toHaveLength(20);
    expect(first.body.total).toBe(36);
  });

  it.each([
    ['q over 200 characters', `q=${'a'.repeat(201)}`, 'q'],
    ['an unknown status', 'status=paid', 'status'],
    ['a negative total', 'minTotal=-1', 'minTotal'],
    ['a total that is not a number', 'maxTotal=lots', 'maxTotal'],
    ['minTotal above maxTotal', 'minTotal=5&maxTotal=4', 'minTotal'],
    ['a date that is not ISO-8601', 'createdFrom=yesterday', 'createdFrom'],
    ['createdFrom after createdTo', 'createdFrom=2026-05-02&createdTo=2026-05-01', 'createdFrom'],
    ['an unknown sort', 'sort=cheapest', 'sort'],
    ['limit 0', 'limit=0', 'limit'],
    ['limit 101', 'limit=101', 'limit'],
    ['a cursor this API did not write', 'cursor=abc', 'cursor'],
    ['a cursor of the wrong shape', `cursor=${encodeCursor(['x', 1])}`, 'cursor'],
    ['an unknown parameter', 'colour=blue', 'colour'],
    ['maxTotal beyond 2^53', 'maxTotal=1e300', 'maxTotal'],
    ['minTotal beyond 2^53', 'minTotal=1e300', 'minTotal'],
    ['maxTotal just beyond 2^53', 'maxTotal=9007199254740992', 'maxTotal'],
    ['a forged cursor with a total beyond 2^53', `sort=total_desc&cursor=${encodeCursor([1e300, 'x'])}`, 'cursor'],
    ['a forged cursor with a fractional total', `sort=total_asc&cursor=${encodeCursor([1.5, 'x'])}`, 'cursor'],
    ['a forged cursor with a date beyond 2^53 ms', `cursor=${encodeCursor([1e300, 'x'])}`, 'cursor'],
    ['a forged cursor with a score no float holds', `q=mug&cursor=${encodeCursor([1e300, 'x'])}`, 'cursor'],
    ['an unknown parameter named constructor', 'constructor=x', 'constructor'],
    ['an unknown parameter named __proto__', '__proto__=x', '__proto__'],
    ['a control character in q', 'q=kettle%00', 'q'],
  ])('%s → 400 naming the field', async (_, query, field) => {
    const reply = await search(query);
    expect({ status: reply.status, names: JSON.stringify(reply.body).includes(field) }).toEqual({ status: 400, names: true });
  });

  it('user text never reaches query_string: operators and syntax errors are searched, not executed', async () => {
    for (const q of ['kettle OR *', '"unbalanced', 'name:(kettle', '\\', '{ "match_all": {} }']) {
      const reply = await search(`q=${encodeURIComponent(q)}`);
      expect({ q, status: reply.status }).toEqual({ q, status: 200 });
    }
  });

  it('a customer finds only their own orders: the others are out of the hits, the total and the counts', async () => {
    const response = await fetch(`${base}/orders/search?q=kettle`, { headers: alice });
    const own = (await response.json()) as SearchReply;
    expect({ status: response.status, ids: own.items.map((h) => h.orderId), total: own.total, counts: own.countsByStatus }).toEqual({
      status: 200, ids: [alicesOrder], total: 1, counts: { created: 1, cancelled: 0, shipped: 0 },
    });
    const someoneElses = await search('q=kettle', alice);
    expect(someoneElses).toEqual({ status: 200, body: { items: [], total: 0, countsByStatus: { created: 0, cancelled: 0, shipped: 0 }, nextCursor: null } });
  });

  it('without a token → 401', async () => {
    expect((await fetch(`${base}/orders/search?q=kettle`)).status).toBe(401);
  });

  describe('when Elasticsearch cannot be reached', () => {
    let broken: INestApplication;
    let brokenBase: string;
    beforeAll(async () => {
      // The same app pointed at a port nothing listens on: a real refused connection, no stand-in.
      broken = await bootstrap(testConfig({ queryApiPort: 0, orderSearchAlias: alias, elasticsearchUrl: 'http://127.0.0.1:9' }));
      brokenBase = `http://127.0.0.1:${(broken.getHttpServer().address() as { port: number }).port}`;
    });
    afterAll(async () => {
      await broken.close();
    });

    it('search answers 503 with a clear message while order and account lookups keep answering', async () => {
      const replies = await Promise.all(Array.from({ length: 12 }, () => fetch(`${brokenBase}/orders/search?q=kettle`, { headers: oscar })));
      for (const reply of replies) {
        expect(reply.status).toBe(503);
        expect(await reply.json()).toMatchObject({ error: 'search_unavailable', message: expect.stringContaining('unavailable') });
      }
      expect((await fetch(`${brokenBase}/orders/${randomUUID()}`, { headers: oscar })).status).toBe(404);
      expect((await fetch(`${brokenBase}/customers/${customer}/orders`, { headers: oscar })).status).toBe(200);
      expect((await fetch(`${brokenBase}/health`)).status).toBe(200);
    });
  });
});
