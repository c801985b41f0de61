import { cli, listedOrderIds, type Appended } from './support/cli.js';
import { as, type Client } from './support/http.js';
import { newCustomer, subjectOf } from './support/tokens.js';
import { Stack } from './support/stack.js';

describe('replay CLI while commands keep flowing', () => {
  const stack = new Stack();
  let customer: Client; // a customer of this test's own: their order list is this test's orders
  let customerId: string;
  beforeAll(async () => {
    const user = await newCustomer('replay');
    customer = as(user);
    customerId = await subjectOf(user);
    await stack.start();
  }, 120_000);
  afterAll(() => stack.stop(), 60_000);

  it('rebuilds order-history and account-statement with a progress report; queries answer throughout; nothing is lost', async () => {
    const opened = await customer.post<Appended>('command-api', '/accounts', { ownerName: 'Replay', currency: 'EUR' });
    const accountId = opened.body.accountId!;
    // Orders go to an account without money: the payment saga cancels them (more traffic during
    // the rebuilds) and never touches the balance checked below.
    const unfunded = (await customer.post<Appended>('command-api', '/accounts', { ownerName: 'Unfunded', currency: 'EUR' })).body.accountId!;
    const orders: Appended[] = [];
    let lastDeposit: Appended = opened.body;
    let stop = false;
    let failedQueries = 0;
    let queries = 0;

    const traffic = (async () => {
      while (!stop) {
        const created = await customer.post<Appended>('command-api', '/orders', {
          accountId: unfunded, currency: 'EUR', items: [{ sku: `SKU-${orders.length}`, name: 'Thing', quantity: 1, unitPrice: 100 }],
        });
        expect(created.status).toBe(201);
        orders.push(created.body);
        const deposit = await customer.post<Appended>('command-api', `/accounts/${accountId}/deposits`, { amount: 100, currency: 'EUR' });
        expect(deposit.status).toBe(201);
        lastDeposit = deposit.body;
      }
    })();
    const readers = (async () => {
      while (!stop) {
        const reply = await customer.get('query-api', `/customers/${customerId}/orders?limit=5`);
        queries++;
        if (reply.status !== 200) failedQueries++;
      }
    })();

    const orderHistory = await cli('projections', 'rebuild', 'order-history');
    const accountStatement = await cli('projections', 'rebuild', 'account-statement');
    stop = true;
    await Promise.all([traffic, readers]);

    expect(orderHistory.stdout).toMatch(/order-history: read \d+ events, applied \d+, rejected 0, .* events\/s\); swapped in/);
    expect(accountStatement.stdout).toMatch(/account-statement: read \d+ events, applied \d+, rejected 0/);
    expect(orderHistory.stderr).toMatch(/events\/s \| ETA/); // the progress bar (on stderr, off a TTY)
    expect(orders.length).toBeGreaterThan(0);
    expect(queries).toBeGreaterThan(0);
    expect(failedQueries).toBe(0);

    // Every order and every deposit made during the rebuilds is in the rebuilt read models.
    const last = orders[orders.length - 1]!;
    expect((await customer.get('query-api', `/orders/${last.orderId}`, { 'X-Consistency-Token': `${last.streamId}@${last.revision}` })).status).toBe(200);
    const account = await customer.get<{ balance: number; revision: number }>('query-api', `/accounts/${accountId}`, {
      'X-Consistency-Token': `${lastDeposit.streamId}@${lastDeposit.revision}`,
    });
    expect(account.body.revision).toBe(lastDeposit.revision);
    expect(account.body.balance).toBe(100 * lastDeposit.revision);
    expect(await listedOrderIds(customer, customerId)).toEqual(new Set(orders.map((o) => o.orderId)));

    const listing = await cli('projections', 'list');
    expect(listing.stdout).toMatch(/order-history.*live/);
    expect(listing.stdout).toMatch(/account-statement.*live/);
  }, 180_000);
});
