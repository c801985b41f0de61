import type { Pool } from '#infra/postgres/pool';

export interface SagaListing {
  readonly counts: Record<string, number>;
  /** Sagas not settled yet; `overdue` when past their deadline (the sweeper cancels those). */
  readonly inFlight: { orderId: string; accountId: string; amount: number; deadline: string; overdue: boolean; startedAt: string }[];
}

export const listSagas = async (pool: Pool, limit = 50): Promise<SagaListing> => {
  const { rows: counts } = await pool.query<{ state: string; n: string }>('SELECT state, count(*) AS n FROM payment_sagas GROUP BY state ORDER BY state');
  const { rows } = await pool.query<{ order_id: string; account_id: string; amount: string; deadline: Date; overdue: boolean; started_at: Date }>(
    `SELECT order_id, account_id, amount, deadline, deadline < now() AS overdue, started_at FROM payment_sagas
     WHERE state = 'awaiting_payment' ORDER BY deadline LIMIT $1`,
    [limit],
  );
  return {
    counts: Object.fromEntries(counts.map((c) => [c.state, Number(c.n)])),
    inFlight: rows.map((r) => ({
      orderId: r.order_id, accountId: r.account_id, amount: Number(r.amount), deadline: r.deadline.toISOString(), overdue: r.overdue, startedAt: r.started_at.toISOString(),
    })),
  };
};
