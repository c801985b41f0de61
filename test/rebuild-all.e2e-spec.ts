import { createElasticsearch, type Elasticsearch } from '#infra/elasticsearch/elasticsearch';
import { createPool, type Pool } from '#infra/postgres/pool';
import { testConfig } from '#infra/testing/test-config';
import { waitUntil } from './support/apps.js';
import { cli, listedOrderIds, type Appended } from './support/cli.js';
import { as, type Client } from './support/http.js';
import { newCustomer, subjectOf } from './support/tokens.js';
import { Stack } from './support/stack.js';

interface Order { orderId: string; status: string; total: number; revision: number }
interface Account { balance: number; revision: number }

type Generation = 'old' | 'new';
interface Read { readonly model: 'order-history' | 'account-statement' | 'order-search'; readonly generation: Generation }

/**
 * `projections rebuild --all` switches every read model at once. To tell the builds apart, the
 * test alters one settled order and one quiet account in the live read models (PostgreSQL rows
 * and the search document): the old build shows the altered figures, a build from the log the
 * true ones. A reader goes round the three read models through query-api, one request after the
 * other, while commands keep flowing; once it has seen the new build in one, it must never see
 * the old build in any.
 */
describe('projections rebuild --all: one cut-over for every read model, under traffic', () => {
  const stack = new Stack();
  const config = testConfig();
  let pool: Pool;
  let es: Elasticsearch;
  let customer: Client;
  let customerId: string;
  const oscar = as('oscar'); // an operator reads every read model

  beforeAll(async () => {
    pool = createPool(config, 2);
    es = createElasticsearch(config.elasticsearchUrl);
    const user = await newCustomer('rebuild-all');
    customer = as(user);
    customerId = await subjectOf(user);
    await stack.start();
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
    await pool.end();
    await es.close();
  }, 60_000);

  it('never shows one read model from the new build and another from the old; nothing made meanwhile is lost', async () => {
    // A quiet account with money, and a settled order (cancelled: the account it names is empty).
    const quiet = (await customer.post<Appended>('command-api', '/accounts', { ownerName: 'Quiet', currency: 'EUR' })).body;
    const topUp = (await customer.post<Appended>('command-api', `/accounts/${quiet.accountId}/deposits`, { amount: 700, currency: 'EUR' })).body;
    const unfunded = (await customer.post<Appended>('command-api', '/accounts', { ownerName: 'Unfunded', currency: 'EUR' })).body.accountId!;
    const marker = `MARK${Date.now()}`;
    const settled = (await customer.post<Appended>('command-api', '/orders', {
      accountId: unfunded, currency: 'EUR', items: [{ sku: marker, name: 'Marked', quantity: 1, unitPrice: 300 }],
    })).body;
    const orderId = settled.orderId!;
    await waitUntil(async () => (await oscar.get<Order>('query-api', `/orders/${orderId}`)).body.status === 'cancelled', 30_000, 'the marked order cancelled');
    const searchOf = async (): Promise<Order | undefined> =>
      (await oscar.get<{ items: Order[] }>('query-api', `/orders/search?q=${marker}`)).body.items?.find((o) => o.orderId === orderId);
    await waitUntil(async () => (await searchOf())?.status === 'cancelled', 30_000, 'the marked order searchable');
    expect((await oscar.get<Account>('query-api', `/accounts/${quiet.accountId}`, { 'X-Consistency-Token': `${topUp.streamId}@${topUp.revision}` })).body.balance).toBe(700);

    // The old build: altered figures in each live read model.
    await pool.query('UPDATE order_history SET total = total + 1 WHERE order_id = $1', [orderId]);
    await pool.query('UPDATE account_statement SET balance = balance + 1 WHERE account_id = $1', [quiet.accountId]);
    const alias = config.orderSearchAlias;
    const found = await es.search<Record<string, unknown>>({ index: alias, query: { term: { orderId } }, version: true });
    const hit = found.hits.hits[0]!;
    await es.index({
      index: hit._index, id: hit._id!, document: { ...hit._source, total: 301 },
      version: hit._version!, version_type: 'external_gte', refresh: true,
    });

    // Each read must answer, with either build's figure: anything else fails the test.
    const judge = (what: string, value: number | undefined, old: number, fresh: number): Generation => {
      if (value === old) return 'old';
      if (value === fresh) return 'new';
      throw new Error(`${what}: ${value} is neither the old build's ${old} nor the new build's ${fresh}`);
    };
    const generationOf = {
      'order-history': async (): Promise<Generation> => judge('order total', (await oscar.get<Order>('query-api', `/orders/${orderId}`)).body.total, 301, 300),
      'account-statement': async (): Promise<Generation> => judge('balance', (await oscar.get<Account>('query-api', `/accounts/${quiet.accountId}`)).body.balance, 701, 700),
      'order-search': async (): Promise<Generation> => judge('searched order total', (await searchOf())?.total, 301, 300),
    };
    const models = Object.keys(generationOf) as Read['model'][];
    for (const model of models) expect(await generationOf[model]()).toBe('old');

    // Commands keep flowing, and a reader goes round the three read models.
    const orders: Appended[] = [];
    const deposits: Appended[] = [];
    const busy = (await customer.post<Appended>('command-api', '/accounts', { ownerName: 'Busy', currency: 'EUR' })).body.accountId!;
    let stop = false;
    const traffic = (async () => {
      while (!stop) {
        const created = await customer.post<Appended>('command-api', '/orders', {
          accountId: unfunded, currency: 'EUR', items: [{ sku: `SKU-${orders.length}`, name: 'Thing', quantity: 1, unitPrice: 100 }],
        });
        expect(created.status).toBe(201);
        orders.push(created.body);
        const deposit = await customer.post<Appended>('command-api', `/accounts/${busy}/deposits`, { amount: 100, currency: 'EUR' });
        expect(deposit.status).toBe(201);
        deposits.push(deposit.body);
      }
    })();
    const reads: Read[] = [];
    const reader = (async () => {
      for (let i = 0; !stop; i++) {
        const model = models[i % models.length]!;
        reads.push({ model, generation: await generationOf[model]() });
      }
    })();

    const rebuilt = await cli('projections', 'rebuild', '--all');
    // The reader goes on for a while after the switch.
    await new Promise((done) => setTimeout(done, 1_000));
    stop = true;
    await Promise.all([traffic, reader]);

    expect(rebuilt.stdout).toMatch(
      /all read models: read \d+ events, applied \d+, rejected 0, .* events\/s\); order-history, account-statement, order-search switched together; alias \S+ → \S+/,
    );
    const firstNew = reads.findIndex((r) => r.generation === 'new');
    expect(firstNew).toBeGreaterThan(0); // the old build was read while the rebuild ran
    expect(reads.slice(firstNew).filter((r) => r.generation === 'old')).toEqual([]);
    for (const model of models) expect(reads.filter((r) => r.model === model).at(-1)?.generation).toBe('new');

    // Every order and deposit made during the rebuild is in the new read models.
    const lastDeposit = deposits.at(-1)!;
    const account = await customer.get<Account>('query-api', `/accounts/${busy}`, {
      'X-Consistency-Token': `${lastDeposit.streamId}@${lastDeposit.revision}`,
    });
    expect(account.status).toBe(200);
    expect(account.body.balance).toBe(100 * deposits.length);
    const last = orders.at(-1)!;
    expect((await customer.get('query-api', `/orders/${last.orderId}`, { 'X-Consistency-Token': `${last.streamId}@${last.revision}` })).status).toBe(200);
    const listed = await listedOrderIds(customer, customerId);
    for (const order of orders) expect(listed.has(order.orderId!)).toBe(true);
    // Search finds each of them too, once the live consumer has indexed the last few.
    await waitUntil(async () => {
      const searched = await customer.get<{ total: number }>('query-api', `/orders/search?q=Thing&limit=1`);
      return searched.body.total === orders.length;
    }, 30_000, 'every order made during the rebuild searchable');

    const listing = await cli('projections', 'list');
    for (const model of models) expect(listing.stdout).toMatch(new RegExp(`${model}.*live`));
    expect((await pool.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild\\_%' OR nspname LIKE 'retired\\_%'")).rows).toEqual([]);
  }, 240_000);
});
