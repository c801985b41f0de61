import type { Payment, PaymentStatus } from '#domain';
import type { Pool } from '#infra/postgres/pool';

interface SagaRow {
  order_id: string;
  /** Null in sagas started before customers were recorded: their payment is refused (not_account_owner). */
  customer_id: string | null;
  account_id: string;
  amount: string;
  currency: string;
  state: PaymentStatus;
  reason: string | null;
  deadline: Date;
}

/** Where the payment sagas' state is kept: what the runner needs of it. */
export interface PaymentSagas {
  load(orderId: string): Promise<Payment>;
  save(payment: Payment): Promise<void>;
  /** Orders still awaiting payment after their deadline, oldest first. */
  overdue(now: Date, limit?: number): Promise<string[]>;
}

/** The payment sagas' state, one row per order (table payment_sagas): for the runner, `sagas list` and the timeout sweep. */
export class PaymentSagaRepository implements PaymentSagas {
  constructor(private readonly pool: Pool) {}

  async load(orderId: string): Promise<Payment> {
    const row = (await this.pool.query<SagaRow>('SELECT * FROM payment_sagas WHERE order_id = $1', [orderId])).rows[0];
    if (!row) return { status: 'none' };
    return {
      status: row.state, orderId: row.order_id, customerId: row.customer_id ?? '', accountId: row.account_id, amount: Number(row.amount), currency: row.currency,
      deadline: row.deadline.toISOString(), reason: row.reason,
    };
  }

  /** Writes the state; a refunded saga is settled for good and never goes back. */
  async save(payment: Payment): Promise<void> {
    if (payment.status === 'none') return;
    await this.pool.query(
      `INSERT INTO payment_sagas (order_id, account_id, amount, currency, state, reason, deadline, customer_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (order_id) DO UPDATE SET state = EXCLUDED.state, reason = EXCLUDED.reason, updated_at = now()
       WHERE payment_sagas.state <> 'refunded'`,
      [payment.orderId, payment.accountId, payment.amount, payment.currency, payment.status, payment.reason, payment.deadline, payment.customerId],
    );
  }

  /** Orders still awaiting payment after their deadline, oldest first. */
  async overdue(now: Date, limit = 100): Promise<string[]> {
    const { rows } = await this.pool.query<{ order_id: string }>(
      `SELECT order_id FROM payment_sagas WHERE state = 'awaiting_payment' AND deadline < $1 ORDER BY deadline LIMIT $2`,
      [now, limit],
    );
    return rows.map((r) => r.order_id);
  }
}
