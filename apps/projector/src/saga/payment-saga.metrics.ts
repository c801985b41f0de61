import { Counter, Gauge } from 'prom-client';
import { collectWithin, metricsRegistry, sharedWithin } from '#infra/metrics/metrics.registry';
import type { Pool } from '#infra/postgres/pool';

export const sagaRefunds = new Counter({
  name: 'payment_saga_refunds_total',
  help: 'Compensations: payments the saga gave back (an order cancelled after it was paid, or paid after it timed out)',
  registers: [metricsRegistry],
});

interface SagaCounts {
  readonly byState: Map<string, number>;
  readonly overdue: number;
}

let read: (() => Promise<SagaCounts>) | null = null;

/**
 * The saga gauges read `payment_sagas` at each scrape: one GROUP BY over the (state, deadline)
 * index. Called by the process that runs the saga only, so that one series exists per table.
 */
export const watchPaymentSagas = (pool: Pool): void => {
  read = sharedWithin(500, async () => {
    const { rows } = await pool.query<{ state: string; n: number; overdue: number }>(
      `SELECT state, count(*)::int AS n, (count(*) FILTER (WHERE state = 'awaiting_payment' AND deadline < now()))::int AS overdue
       FROM payment_sagas GROUP BY state`,
    );
    return { byState: new Map(rows.map((r) => [r.state, r.n])), overdue: rows.reduce((sum, r) => sum + r.overdue, 0) };
  });
};

const byState: Gauge<'state'> = new Gauge({
  name: 'payment_sagas',
  help: 'Payment sagas by state (awaiting_payment, paid, refunded, payment_failed, timed_out, cancelled, refund_failed)',
  labelNames: ['state'],
  registers: [metricsRegistry],
  collect: () =>
    collectWithin(
      'payment_sagas',
      async () => {
        const counts = await read?.();
        byState.reset();
        for (const [state, n] of counts?.byState ?? []) byState.set({ state }, n);
      },
      () => byState.reset(),
    ),
});

const overdue: Gauge = new Gauge({
  name: 'payment_sagas_overdue',
  help: 'Payment sagas still awaiting payment after their deadline (the sweeper times them out every second)',
  registers: [metricsRegistry],
  collect: () =>
    collectWithin(
      'payment_sagas',
      async () => {
        const counts = await read?.();
        if (counts) overdue.set(counts.overdue);
        else overdue.set(NaN);
      },
      () => overdue.set(NaN),
    ),
});
