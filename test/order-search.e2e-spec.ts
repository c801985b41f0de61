import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitUntil } from './support/apps.js';
import { as, type Client } from './support/http.js';
import { newCustomer, subjectOf } from './support/tokens.js';
import { Stack } from './support/stack.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const infra = (...args: string[]) => run('bash', [resolve(ROOT, 'docker/local/infra.sh'), ...args], { cwd: ROOT });
const cli = (...args: string[]) => run(process.execPath, [resolve(ROOT, 'dist/apps/projector/src/cli/cli.js'), ...args], { env: process.env, maxBuffer: 16 * 1024 * 1024 });

/** Elasticsearch can be stopped and started by this test only when the local stack started it. */
const elasticsearchIsOurs = ((): boolean => {
  const pidFile = resolve(ROOT, '.local/state/elasticsearch.pid');
  if (!existsSync(pidFile)) return false;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 0);
    return true;
  } catch {
    return false;
  }
})();

interface Appended {
  streamId: string;
  revision: number;
  orderId?: string;
  accountId?: string;
}
interface OrderSummary {
  orderId: string;
  status: string;
  total: number;
  createdAt: string;
  items: { sku: string; name: string; quantity: number; unitPrice: number }[];
}
interface Page {
  items: OrderSummary[];
  nextCursor: string | null;
  total?: number;
  countsByStatus?: Record<string, number>;
}

const CATALOGUE = [
  { sku: 'KT-100', name: 'Blue Kettle' },
  { sku: 'PN-220', name: 'Copper Pan' },
  { sku: 'MG-310', name: 'Stoneware Mug' },
];

describe('order search end to end, on a real Elasticsearch node', () => {
  const stack = new Stack();
  const oscar = as('oscar'); // an operator: ships orders
  let searcher: Client; // a customer of this test's own: search and lists show only their orders
  let customerId: string;
  let accountId: string;
  let made = 0;
  const expectedStatus = new Map<string, string>();

  beforeAll(async () => {
    const user = await newCustomer('searcher');
    searcher = as(user);
    customerId = await subjectOf(user);
    await stack.start();
    const opened = await searcher.post<Appended>('command-api', '/accounts', { ownerName: 'Searcher', currency: 'EUR' });
    accountId = opened.body.accountId!;
    // Enough for every order: the payment saga pays them, and only paid orders ship.
    expect((await searcher.post('command-api', `/accounts/${accountId}/deposits`, { amount: 100_000_000, currency: 'EUR' })).status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    if (elasticsearchIsOurs) await infra('up', 'elasticsearch'); // never leave it stopped
    await stack.stop();
  }, 180_000);

  /** Creates an order; every third is cancelled, every third shipped. */
  const placeOrder = async (): Promise<string> => {
    const i = made++;
    const item = CATALOGUE[i % 3]!;
    const created = await searcher.post<Appended>('command-api', '/orders', {
      accountId, currency: 'EUR', items: [{ ...item, quantity: 1 + (i % 4), unitPrice: 500 + i }],
    });
    expect(created.status).toBe(201);
    const orderId = created.body.orderId!;
    if (i % 3 === 1) expect((await searcher.post('command-api', `/orders/${orderId}/cancel`, { reason: 'changed plans' })).status).toBe(201);
    if (i % 3 === 2) {
      await waitUntil(async () => (await searcher.get<{ paymentStatus?: string }>('query-api', `/orders/${orderId}`)).body.paymentStatus === 'paid', 30_000, `order ${orderId} to be paid`);
      expect((await oscar.post('command-api', `/orders/${orderId}/ship`, {})).status).toBe(201);
    }
    expectedStatus.set(orderId, ['created', 'cancelled', 'shipped'][i % 3]!);
    return orderId;
  };

  const walk = async (path: string): Promise<OrderSummary[]> => {
    const all: OrderSummary[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: Page } = await searcher.get<Page>('query-api', `${path}&limit=13${cursor ? `&cursor=${cursor}` : ''}`);
      if (page.status !== 200) throw new Error(`${path} answered ${page.status}: ${JSON.stringify(page.body)}`);
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return all;
  };
  // Field by field, so the comparison does not depend on the key order of either store's JSON.
const summary = (orders: readonly OrderSummary[]) =>
    orders.map((o) => ({
      orderId: o.orderId, status: o.status, total: o.total, createdAt: o.createdAt,
      items: o.items.map(({ sku, name, quantity, unitPrice }) => ({ sku, name, quantity, unitPrice })),
    }));
  const searchView = () => walk(`/orders/search?customerId=${customerId}&sort=newest`);

  /** Waits until search shows exactly what the Postgres read model shows, order by order, and both show every command sent. */
  const expectSearchToAgree = async (count: number, timeoutMs: number): Promise<void> => {
    let last = '';
    await waitUntil(async () => {
      const pg = summary(await walk(`/customers/${customerId}/orders?`));
      const es = await searchView().then(summary, () => null);
      last = `postgres ${pg.length}, search ${es?.length ?? 'unavailable'}`;
      const settled = pg.every((o) => o.status === expectedStatus.get(o.orderId));
      return pg.length === count && settled && JSON.stringify(es) === JSON.stringify(pg);
    }, timeoutMs, `search to agree with the Postgres read model on ${count} orders (${last})`);
  };

  it('finds created orders by item name; filters, counts and pagination agree with the Postgres read model', async () => {
    for (let i = 0; i < 30; i++) await placeOrder();
    await expectSearchToAgree(30, 30_000);

    const kettles = await walk(`/orders/search?customerId=${customerId}&q=kettle`);
    expect(kettles).toHaveLength(10);
    expect(kettles.every((o) => o.items[0]?.name === 'Blue Kettle')).toBe(true);
    const shippedSearch = await walk(`/orders/search?customerId=${customerId}&status=shipped&sort=newest`);
    const shippedPg = await walk(`/customers/${customerId}/orders?status=shipped`);
    expect(summary(shippedSearch)).toEqual(summary(shippedPg));
    const counts = await searcher.get<Page>('query-api', `/orders/search?customerId=${customerId}&limit=1`);
    expect(counts.body.total).toBe(30);
    expect(counts.body.countsByStatus).toEqual({ created: 10, cancelled: 10, shipped: 10 });
  }, 120_000);

  (elasticsearchIsOurs ? it : it.skip)('Elasticsearch stopped mid-stream: commands go on, search answers 503, and after restart every order is searchable once', async () => {
    await infra('down', 'elasticsearch');
    for (let i = 0; i < 15; i++) await placeOrder();
    const during = await searcher.get('query-api', `/orders/search?customerId=${customerId}`);
    expect(during.status).toBe(503);
    expect(during.body).toMatchObject({ error: 'search_unavailable' });
    expect((await searcher.get('query-api', `/customers/${customerId}/orders`)).status).toBe(200);

    await infra('up', 'elasticsearch');
    await expectSearchToAgree(45, 90_000);
    const counts = await searcher.get<Page>('query-api', `/orders/search?customerId=${customerId}&limit=1`);
    expect(counts.body.total).toBe(45);
  }, 240_000);

  it('rebuilds the index while commands flow and searches keep answering; the result equals the Postgres read model', async () => {
    let stop = false;
    let searches = 0;
    let failed = 0;
    const readers = (async () => {
      while (!stop) {
        const reply = await searcher.get('query-api', `/orders/search?customerId=${customerId}&q=mug`);
        searches++;
        if (reply.status !== 200) failed++;
      }
    })();
    const writers = (async () => {
      while (!stop) await placeOrder();
    })();
    const rebuilt = await cli('projections', 'rebuild', 'order-search');
    stop = true;
    await Promise.all([readers, writers]);

    expect(rebuilt.stdout).toMatch(/order-search: read \d+ events, applied \d+, rejected 0, .*; alias \S+ → \S+, \S+ deleted/);
    expect(searches).toBeGreaterThan(0);
    expect(failed).toBe(0);
    await expectSearchToAgree(made, 60_000);

    const listing = await cli('projections', 'list');
    expect(listing.stdout).toMatch(/order-search.*live/);
  }, 240_000);
});
