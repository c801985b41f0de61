import { waitUntil } from './support/apps.js';
import { as, type Client } from './support/http.js';
import { newCustomer, subjectOf } from './support/tokens.js';
import { Stack } from './support/stack.js';

interface Appended {
  streamId: string;
  revision: number;
  position: string;
  accountId?: string;
  orderId?: string;
}

const token = (r: Appended): Record<string, string> => ({ 'X-Consistency-Token': `${r.streamId}@${r.revision}` });

describe('From POST to GET through the event store, Kafka and the projector', () => {
  const stack = new Stack();
  const oscar = as('oscar'); // an operator: ships orders
  let ada: Client; // a customer of this test's own
  let customerId: string;
  beforeAll(async () => {
    const user = await newCustomer('ada');
    ada = as(user);
    customerId = await subjectOf(user);
    await stack.start();
  }, 120_000);
  afterAll(() => stack.stop(), 60_000);

  it('opens an account, deposits, withdraws, orders, cancels and ships, and the queries show it', async () => {
    const opened = await ada.post<Appended>('command-api', '/accounts', { ownerName: 'Ada Lovelace', currency: 'EUR' });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ streamId: `account-${opened.body.accountId}`, revision: 0 });
    expect(BigInt(opened.body.position)).toBeGreaterThan(0n);
    const accountId = opened.body.accountId!;

    const deposit = await ada.post<Appended>('command-api', `/accounts/${accountId}/deposits`, { amount: 10_000, currency: 'EUR', description: 'salary' });
    expect(deposit.status).toBe(201);
    const withdrawal = await ada.post<Appended>('command-api', `/accounts/${accountId}/withdrawals`, { amount: 2_500, currency: 'EUR' });
    expect(withdrawal.status).toBe(201);
    expect(withdrawal.body.revision).toBe(2);

    const refused = await ada.post('command-api', `/accounts/${accountId}/withdrawals`, { amount: 1_000_000, currency: 'EUR' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'insufficient_funds' });

    const account = await ada.get('query-api', `/accounts/${accountId}`, token(withdrawal.body));
    expect(account.status).toBe(200);
    expect(account.body).toMatchObject({ accountId, ownerName: 'Ada Lovelace', currency: 'EUR', balance: 7_500, revision: 2 });
    const transactions = await ada.get<{ items: { kind: string; amount: number; balanceAfter: number }[] }>(
      'query-api',
      `/accounts/${accountId}/transactions`,
    );
    expect(transactions.status).toBe(200);
    expect(transactions.body.items.map((t) => [t.kind, t.amount, t.balanceAfter]).sort()).toEqual(
      [['deposit', 10_000, 10_000], ['withdrawal', 2_500, 7_500]].sort(),
    );

    const order = (skus: string[]) =>
      ada.post<Appended>('command-api', '/orders', {
        accountId,
        currency: 'EUR',
        items: skus.map((sku, i) => ({ sku, name: `Item ${sku}`, quantity: i + 1, unitPrice: 1_000 })),
      });
    const first = await order(['A-1', 'B-2']);
    expect(first.status).toBe(201);
    const second = await order(['C-3']);
    expect(second.status).toBe(201);

    // The payment saga pays both from the account (7,500): shipping waits for that.
    for (const o of [first, second]) {
      await waitUntil(async () => (await ada.get<{ paymentStatus?: string }>('query-api', `/orders/${o.body.orderId}`)).body.paymentStatus === 'paid', 30_000, `order ${o.body.orderId} to be paid`);
    }
    const cancelled = await ada.post<Appended>('command-api', `/orders/${first.body.orderId}/cancel`, { reason: 'changed my mind' });
    expect(cancelled.status).toBe(201);
    const shipped = await oscar.post<Appended>('command-api', `/orders/${second.body.orderId}/ship`, {});
    expect(shipped.status).toBe(201);
    const shipCancelled = await oscar.post('command-api', `/orders/${first.body.orderId}/ship`, {});
    expect(shipCancelled.status).toBe(422);

    // The cancelled order's payment comes back (the saga's compensation): 7,500 − 1,000 shipped.
    await waitUntil(async () => (await ada.get<{ paymentStatus?: string }>('query-api', `/orders/${first.body.orderId}`)).body.paymentStatus === 'refunded', 30_000, 'the refund');
    await waitUntil(async () => (await ada.get<{ balance?: number }>('query-api', `/accounts/${accountId}`)).body.balance === 6_500, 30_000, 'the balance after payments and refund');
    const statement = await ada.get<{ items: { kind: string; amount: number; description: string | null }[] }>('query-api', `/accounts/${accountId}/transactions`);
    const lines = statement.body.items.map((t) => `${t.kind}:${t.amount}`);
    expect(lines.slice(0, 2)).toEqual(['deposit:10000', 'withdrawal:2500']);
    expect(lines.slice(2, 4).sort()).toEqual(['withdrawal:1000', 'withdrawal:3000']); // the two payments, in either order
    expect(lines.slice(4)).toEqual(['deposit:3000']); // the refund

    const firstView = await ada.get('query-api', `/orders/${first.body.orderId}`, token(cancelled.body));
    expect(firstView.status).toBe(200);
    expect(firstView.body).toMatchObject({
      orderId: first.body.orderId,
      customerId,
      accountId,
      total: 3_000,
      status: 'cancelled',
      cancelReason: 'changed my mind',
    });
    expect((firstView.body['statusHistory'] as { status: string }[]).map((s) => s.status)).toEqual(['created', 'cancelled']);

    const secondView = await ada.get('query-api', `/orders/${second.body.orderId}`, token(shipped.body));
    expect(secondView.body).toMatchObject({ status: 'shipped', total: 1_000 });

    const list = await ada.get<{ items: { orderId: string; status: string }[]; nextCursor: string | null }>(
      'query-api',
      `/customers/${customerId}/orders?limit=1`,
    );
    expect(list.status).toBe(200);
    expect(list.body.items.map((o) => o.orderId)).toEqual([second.body.orderId]);
    const rest = await ada.get<{ items: { orderId: string }[]; nextCursor: string | null }>(
      'query-api',
      `/customers/${customerId}/orders?limit=1&cursor=${list.body.nextCursor}`,
    );
    expect(rest.body.items.map((o) => o.orderId)).toEqual([first.body.orderId]);
    const shippedOnly = await ada.get<{ items: { orderId: string }[] }>('query-api', `/customers/${customerId}/orders?status=shipped`);
    expect(shippedOnly.body.items.map((o) => o.orderId)).toEqual([second.body.orderId]);
  }, 60_000);

  it('answers 409 with the current revision when If-Match is stale, and appends nothing', async () => {
    const opened = await ada.post<Appended>('command-api', '/accounts', { ownerName: 'Grace Hopper', currency: 'USD' });
    const accountId = opened.body.accountId!;
    const stale = await ada.post('command-api', `/accounts/${accountId}/deposits`, { amount: 100, currency: 'USD' }, { 'If-Match': '5' });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ currentRevision: 0 });
    const fresh = await ada.post<Appended>('command-api', `/accounts/${accountId}/deposits`, { amount: 100, currency: 'USD' }, { 'If-Match': '0' });
    expect(fresh.status).toBe(201);
    const account = await ada.get('query-api', `/accounts/${accountId}`, token(fresh.body));
    expect(account.body).toMatchObject({ balance: 100, revision: 1 });
  }, 30_000);
});
