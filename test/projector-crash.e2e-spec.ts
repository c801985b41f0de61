import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '#infra/event-store/postgres/postgres-event-store';
import { createPool, type Pool } from '#infra/postgres/pool';
import { accountStatementProjection } from '../apps/projector/src/projections/account-statement.projection.js';
import { orderHistoryProjection } from '../apps/projector/src/projections/order-history.projection.js';
import { readModelChecksum } from '../apps/projector/src/rebuild/checksum.js';
import { rebuildInto } from '../apps/projector/src/rebuild/rebuild.js';
import { waitUntil } from './support/apps.js';
import { post } from './support/http.js';
import { runPool } from './support/load.js';
import { Stack } from './support/stack.js';
import { testConfig } from '#infra/testing/test-config';

const ACCOUNTS = 50;
const MOVES_PER_ACCOUNT = 82;
const ORDERS_PER_ACCOUNT = 12;

interface Appended {
  streamId: string;
  revision: number;
  accountId?: string;
  orderId?: string;
}

describe('Projector crash while events flow', () => {
  // The read models only: with the payment saga running, orders and balances would move on their
  // own (it has its own crash test, payment-saga-crash.e2e-spec.ts).
  const stack = new Stack({ PROJECTIONS: 'order-history,account-statement,order-search' });
  let pool: Pool;
  beforeAll(async () => {
    pool = createPool(testConfig(), 6);
    await stack.start();
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
    await pool.end();
  }, 60_000);

  it('after a SIGKILL at a random moment and a restart, the read models equal a fresh rebuild: nothing lost or doubled', async () => {
    const seed = Math.random();
    const accounts = new Map<string, { balance: number; moves: number; revision: number }>();
    const orders = new Map<string, { status: string; revision: number }>();
    let events = 0;
    const must = async (path: string, body: unknown): Promise<Appended> => {
      const response = await post<Appended>('command-api', path, body);
      if (response.status !== 201) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
      events++;
      return response.body;
    };

    // Each account's commands run in order within one task; tasks run 16 at a time.
    const accountTask = (): Promise<void> =>
      (async () => {
        const { accountId } = await must('/accounts', { ownerName: `Crash ${randomUUID().slice(0, 6)}`, currency: 'EUR' });
        const account = { balance: 0, moves: 0, revision: 0 };
        accounts.set(accountId!, account);
        for (let i = 0; i < MOVES_PER_ACCOUNT; i++) {
          const withdraw = i % 3 === 2 && account.balance >= 300;
          const amount = withdraw ? 300 : 100 + (i % 7) * 50;
          const result = await must(`/accounts/${accountId}/${withdraw ? 'withdrawals' : 'deposits'}`, { amount, currency: 'EUR' });
          account.balance += withdraw ? -amount : amount;
          account.moves++;
          account.revision = result.revision;
        }
        for (let i = 0; i < ORDERS_PER_ACCOUNT; i++) {
          const created = await must('/orders', {
            accountId,
            currency: 'EUR',
            items: [{ sku: `SKU-${i}`, name: `Thing ${i}`, quantity: 1 + (i % 3), unitPrice: 999 }],
          });
          if (i % 2 === 0) {
            orders.set(created.orderId!, { status: 'created', revision: created.revision });
            continue;
          }
          const done = await must(`/orders/${created.orderId}/cancel`, { reason: 'crash test' });
          orders.set(created.orderId!, { status: 'cancelled', revision: done.revision });
        }
      })();

    const total = ACCOUNTS * (1 + MOVES_PER_ACCOUNT + ORDERS_PER_ACCOUNT + ORDERS_PER_ACCOUNT / 2);
    const killAt = Math.floor(total * (0.15 + 0.55 * seed));
    let crash: Promise<void> | null = null;
    const tasks = Array.from({ length: ACCOUNTS }, () => accountTask);
    const load = runPool(tasks, 16, () => undefined);
    await waitUntil(() => events >= killAt, 120_000, `${killAt} events to be appended`);
    crash = (async () => {
      await stack.apps.projector.stop('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 200 + seed * 1_300));
      await stack.apps.projector.start();
    })();
    await load;
    await crash;
    expect(events).toBe(total);
    expect(total).toBeGreaterThanOrEqual(5_000);

    const accountIds = [...accounts.keys()];
    const orderIds = [...orders.keys()];
    const expectedRevisions = [...accounts.values()].reduce((n, a) => n + a.revision, 0) + [...orders.values()].reduce((n, o) => n + o.revision, 0);
    await waitUntil(
      async () => {
        const { rows } = await pool.query<{ n: string }>(
          `SELECT (SELECT coalesce(sum(revision), 0) FROM account_statement WHERE account_id = ANY($1))
                + (SELECT coalesce(sum(revision), 0) FROM order_history WHERE order_id = ANY($2)) AS n`,
          [accountIds, orderIds],
        );
        return Number(rows[0]?.n) === expectedRevisions;
      },
      120_000,
      'the restarted projector to catch up',
    );

    // Nothing lost or doubled: balances, statement lines and order states are exactly what was sent.
    const { rows: balances } = await pool.query<{ account_id: string; balance: string; lines: string }>(
      `SELECT s.account_id, s.balance, (SELECT count(*) FROM account_transactions t WHERE t.account_id = s.account_id) AS lines
       FROM account_statement s WHERE s.account_id = ANY($1)`,
      [accountIds],
    );
    expect(balances).toHaveLength(ACCOUNTS);
    for (const row of balances) {
      expect(Number(row.balance)).toBe(accounts.get(row.account_id)!.balance);
      expect(Number(row.lines)).toBe(accounts.get(row.account_id)!.moves);
    }
    const { rows: states } = await pool.query<{ order_id: string; status: string }>('SELECT order_id, status FROM order_history WHERE order_id = ANY($1)', [orderIds]);
    expect(states).toHaveLength(orderIds.length);
    for (const row of states) expect(row.status).toBe(orders.get(row.order_id)!.status);

    // And the live read models equal a from-scratch rebuild from the event store.
    const store = new PostgresEventStore(pool);
    for (const [projection, ids] of [[accountStatementProjection, accountIds], [orderHistoryProjection, orderIds]] as const) {
      const schema = `crash_check_${projection.name.replace(/-/g, '_')}`;
      await rebuildInto(projection, schema, { pool, store });
      const live = await readModelChecksum(pool, projection, 'public', ids);
      const rebuilt = await readModelChecksum(pool, projection, schema, ids);
      console.log(`crash test (seed ${seed.toFixed(3)}, ${total} events, SIGKILL after ${killAt}): ${projection.name} live ${live} | rebuilt ${rebuilt}`);
      expect(live).toBe(rebuilt);
      await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
    }
  }, 300_000);
});
