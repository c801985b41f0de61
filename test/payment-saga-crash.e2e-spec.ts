import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createPool, type Pool } from '#infra/postgres/pool';
import { waitUntil } from './support/apps.js';
import { post } from './support/http.js';
import { runPool } from './support/load.js';
import { Stack } from './support/stack.js';
import { testConfig } from '#infra/testing/test-config';

const ACCOUNTS = 40;
const ORDERS = 1_000;
const DEPOSIT = 20_000;

interface Appended {
  streamId: string;
  revision: number;
  accountId?: string;
  orderId?: string;
}

/** Each order's outcome as the event store has it, and the money that moved for it. */
interface Outcome {
  order_id: string;
  account_id: string;
  total: string;
  paid: boolean;
  cancelled: boolean;
  refunded: boolean;
  payments: string;
  refunds: string;
}

describe('Payment saga: SIGKILL at random points during 1,000 orders', () => {
  const stack = new Stack({ PAYMENT_TIMEOUT_MS: '120000' });
  let pool: Pool;
  beforeAll(async () => {
    pool = createPool(testConfig(), 6);
    await stack.start();
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
    await pool.end();
  }, 60_000);

  it('every order ends paid or cancelled; no money is created or lost; nothing is paid or refunded twice', async () => {
    const must = async (path: string, body: unknown): Promise<Appended> => {
      const response = await post<Appended>('command-api', path, body);
      if (response.status !== 201) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
      return response.body;
    };
    const accounts: string[] = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      const { accountId } = await must('/accounts', { ownerName: `Saga ${i}`, currency: 'EUR' });
      await must(`/accounts/${accountId}/deposits`, { amount: DEPOSIT, currency: 'EUR' });
      accounts.push(accountId!);
    }

    // 25 orders per account averaging ~1,150: about 28,750 asked of 20,000, so some are refused.
    const orderIds: string[] = [];
    let placed = 0;
    const placeOrder = (i: number) => async (): Promise<void> => {
      const accountId = accounts[i % ACCOUNTS]!;
      const { orderId } = await must('/orders', {
        accountId, currency: 'EUR',
        items: [{ sku: `S-${i}`, name: 'Thing', quantity: 1 + (i % 3), unitPrice: 300 + ((i * 37) % 500) }],
      });
      orderIds.push(orderId!);
      placed++;
      // One in ten is cancelled by the customer, before or after the saga paid it.
      if (i % 10 === 3) {
        const reply = await post('command-api', `/orders/${orderId}/cancel`, { reason: 'customer cancelled' });
        if (reply.status !== 201 && reply.status !== 422) throw new Error(`cancel answered ${reply.status}`);
      }
    };

    // Three SIGKILLs of the saga's process (the projector) at random moments of the load.
    const kills = [0.15, 0.45, 0.75].map((f) => Math.floor(ORDERS * (f + Math.random() * 0.15)));
    const crashes = (async () => {
      for (const at of kills) {
        await waitUntil(() => placed >= at, 180_000, `${at} orders to be placed`);
        await stack.apps.projector.stop('SIGKILL');
        await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 1_000));
        await stack.apps.projector.start();
      }
    })();
    await runPool(Array.from({ length: ORDERS }, (_, i) => placeOrder(i)), 16);
    await crashes;
    expect(orderIds).toHaveLength(ORDERS);

    const outcomes = async (): Promise<Outcome[]> =>
      (await pool.query<Outcome>(
        `WITH o AS (
           SELECT c.data->>'orderId' AS order_id, c.data->>'accountId' AS account_id, c.data->>'total' AS total,
                  EXISTS (SELECT 1 FROM events e WHERE e.stream_id = c.stream_id AND e.type = 'OrderPaid') AS paid,
                  EXISTS (SELECT 1 FROM events e WHERE e.stream_id = c.stream_id AND e.type = 'OrderCancelled') AS cancelled,
                  EXISTS (SELECT 1 FROM events e WHERE e.stream_id = c.stream_id AND e.type = 'OrderRefunded') AS refunded
           FROM events c WHERE c.type = 'OrderCreated' AND c.data->>'orderId' = ANY($1))
         SELECT o.*,
           (SELECT count(*) FROM events w WHERE w.stream_id = 'account-' || o.account_id AND w.type = 'MoneyWithdrawn' AND w.data->>'orderId' = o.order_id) AS payments,
           (SELECT count(*) FROM events d WHERE d.stream_id = 'account-' || o.account_id AND d.type = 'MoneyDeposited' AND d.data->>'refundOf' = o.order_id) AS refunds
         FROM o`,
        [orderIds],
      )).rows;
    const settled = (o: Outcome): boolean =>
      (o.paid && !o.cancelled && o.payments === '1') || (o.cancelled && (o.payments === '0' || (o.refunded && o.refunds === '1')));
    let last: Outcome[] = [];
    await waitUntil(async () => {
      last = await outcomes();
      return last.length === ORDERS && last.every(settled);
    }, 180_000, 'every order to end paid or cancelled (and refunded if it had been paid)');

    for (const o of last) {
      expect(Number(o.payments)).toBeLessThanOrEqual(1);
      expect(Number(o.refunds)).toBeLessThanOrEqual(Number(o.payments));
    }
    const paid = last.filter((o) => o.paid && !o.cancelled);
    const cancelled = last.filter((o) => o.cancelled);
    expect(paid.length + cancelled.length).toBe(ORDERS);
    expect(paid.length).toBeGreaterThan(0);
    expect(cancelled.some((o) => o.payments === '0')).toBe(true); // refused for lack of funds
    expect(cancelled.some((o) => o.refunded)).toBe(true); // cancelled after payment, refunded

    // No money created or lost: the balances add up to the deposits minus the orders that stayed paid.
    const { rows } = await pool.query<{ balance: string }>(
      `SELECT coalesce(sum(CASE type WHEN 'MoneyDeposited' THEN (data->>'amount')::bigint WHEN 'MoneyWithdrawn' THEN -(data->>'amount')::bigint ELSE 0 END), 0) AS balance
       FROM events WHERE stream_id = ANY($1)`,
      [accounts.map((id) => `account-${id}`)],
    );
    const paidTotal = paid.reduce((sum, o) => sum + Number(o.total), 0);
    expect(Number(rows[0]!.balance)).toBe(ACCOUNTS * DEPOSIT - paidTotal);
    // The saga's progress as an operator sees it: nothing left in flight.
    const cli = resolve(fileURLToPath(new URL('..', import.meta.url)), 'dist/apps/projector/src/cli/cli.js');
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'sagas', 'list'], { env: process.env });
    expect(stdout).toMatch(/paid/);
    expect(stdout).toMatch(/\d+ in flight, \d+ overdue/);
    const { rows: open } = await pool.query("SELECT order_id FROM payment_sagas WHERE order_id = ANY($1) AND state = 'awaiting_payment'", [orderIds]);
    expect(open).toEqual([]);
    console.log(`payment saga crash test: ${ORDERS} orders, SIGKILL after ${kills.join(', ')} orders: ${paid.length} paid, ` +
      `${cancelled.length} cancelled (${cancelled.filter((o) => o.refunded).length} of them refunded), balance ${rows[0]!.balance} = ${ACCOUNTS * DEPOSIT} − ${paidTotal}`);
  }, 420_000);
});
