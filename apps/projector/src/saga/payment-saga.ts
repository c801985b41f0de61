import { accountStreamId, orderStreamId, type EventEnvelope, type EventMetadata, type KnownEvent, type OrderCreated } from '#events';
import { accountDecider, DomainError, IllegalStateError, orderDecider, type AccountCommand, type OrderCommand } from '#domain';
import type { EventStore } from '#infra/event-store/event-store.port';
import { createLogger } from '#infra/logging/logger';
import type { Pool } from '#infra/postgres/pool';
import { runCommand } from './command-runner.js';

const log = createLogger('payment-saga');

/** awaiting_payment → paid (→ refunded); or → payment_failed / timed_out / cancelled: never a payment left behind. */
export type SagaState = 'awaiting_payment' | 'paid' | 'payment_failed' | 'timed_out' | 'cancelled' | 'refunded';

interface SagaRow {
  order_id: string;
  account_id: string;
  amount: string;
  currency: string;
  state: SagaState;
  deadline: Date;
}

/**
 * The order payment saga (orchestration). On OrderCreated it withdraws the total from the
 * order's account, referencing the order, then marks the order paid; a refused withdrawal
 * (insufficient funds, missing account, other currency) cancels the order with the reason and
 * takes nothing; an order cancelled after it was paid gets its money back (the compensation).
 * A payment not done by the order's creation time + PAYMENT_TIMEOUT_MS cancels the order.
 *
 * Every step is a command whose effect happens once whatever the redeliveries and crashes: the
 * account refuses a second payment or refund of the same order, the order a second OrderPaid or
 * OrderRefunded, and event ids are derived from the step. Its state (payment_sagas) is
 * bookkeeping for `sagas list` and the timeout sweep; the truth is in the streams.
 */
export class PaymentSaga {
  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
    private readonly timeoutMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async handle(event: EventEnvelope<KnownEvent>): Promise<void> {
    if (event.type === 'OrderCreated') await this.onOrderCreated(event as EventEnvelope<OrderCreated>);
    else if (event.type === 'OrderCancelled') await this.onOrderCancelled((event.data as { orderId: string }).orderId, event);
  }

  /** Cancels the orders whose payment is overdue; returns how many it looked at. */
  async cancelOverdue(): Promise<number> {
    const { rows } = await this.pool.query<SagaRow>(
      `SELECT * FROM payment_sagas WHERE state = 'awaiting_payment' AND deadline < $1 ORDER BY deadline LIMIT 100`,
      [this.now()],
    );
    for (const row of rows) await this.timeOut(row, { correlationId: row.order_id, causationId: null });
    return rows.length;
  }

  private async onOrderCreated(event: EventEnvelope<OrderCreated>): Promise<void> {
    const { orderId, accountId, total, currency, createdAt } = event.data;
    await this.pool.query(
      `INSERT INTO payment_sagas (order_id, account_id, amount, currency, state, deadline)
       VALUES ($1, $2, $3, $4, 'awaiting_payment', $5::timestamptz + $6 * interval '1 millisecond') ON CONFLICT (order_id) DO NOTHING`,
      [orderId, accountId, total, currency, createdAt, this.timeoutMs],
    );
    const row = await this.row(orderId);
    if (!row || row.state !== 'awaiting_payment') return; // settled already: a redelivery
    const metadata = this.metadataFrom(event);
    if (this.now() > row.deadline) {
      await this.timeOut(row, metadata);
      return;
    }
    try {
      await this.account(row, { type: 'WithdrawMoney', data: { accountId, amount: total, currency, orderId, description: `Payment of order ${orderId}` } }, 'pay', metadata);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await this.order(row, { type: 'CancelOrder', data: { orderId, reason: `payment failed: ${error.code}`, unlessPaid: true } }, 'cancel-unpaid', metadata);
      await this.setState(orderId, 'payment_failed', error.code);
      return;
    }
    try {
      await this.order(row, { type: 'MarkOrderPaid', data: { orderId } }, 'mark-paid', metadata);
      await this.setState(orderId, 'paid');
    } catch (error) {
      if (!(error instanceof IllegalStateError) || error.code !== 'order_cancelled') throw error;
      await this.refund(row, metadata); // cancelled while we were paying: give it back
    }
  }

  private async onOrderCancelled(orderId: string, event: EventEnvelope<KnownEvent>): Promise<void> {
    const row = await this.row(orderId);
    if (!row || row.state === 'refunded') return;
    if (await this.paidFor(row)) await this.refund(row, this.metadataFrom(event));
    else if (row.state === 'awaiting_payment') await this.setState(orderId, 'cancelled');
  }

  private async timeOut(row: SagaRow, metadata: EventMetadata): Promise<void> {
    await this.order(row, { type: 'CancelOrder', data: { orderId: row.order_id, reason: 'payment timed out', unlessPaid: true } }, 'timeout', metadata);
    // A payment may have gone through before a crash; if so it is given back.
    if (await this.paidFor(row)) await this.refund(row, metadata);
    else await this.setState(row.order_id, 'timed_out', 'payment timed out');
  }

  private async refund(row: SagaRow, metadata: EventMetadata): Promise<void> {
    const { order_id: orderId, account_id: accountId, currency } = row;
    await this.account(row, { type: 'DepositMoney', data: { accountId, amount: Number(row.amount), currency, refundOf: orderId, description: `Refund of order ${orderId}` } }, 'refund', metadata);
    await this.order(row, { type: 'RecordOrderRefund', data: { orderId } }, 'record-refund', metadata);
    await this.setState(orderId, 'refunded');
    log.info({ orderId, accountId, amount: Number(row.amount) }, 'payment refunded');
  }

  /** Whether the account holds a payment of this order (the account stream is the truth). */
  private async paidFor(row: SagaRow): Promise<boolean> {
    const history = await this.store.readStream(accountStreamId(row.account_id));
    return history.some((e) => e.type === 'MoneyWithdrawn' && (e.data as { orderId?: string | null }).orderId === row.order_id);
  }

  private account(row: SagaRow, command: Omit<AccountCommand, 'metadata'>, step: string, metadata: EventMetadata): Promise<number> {
    return runCommand(this.store, accountDecider, accountStreamId(row.account_id), { ...command, metadata: { now: this.now().toISOString() } } as AccountCommand, `${row.order_id}:${step}`, metadata);
  }

  private order(row: SagaRow, command: Omit<OrderCommand, 'metadata'>, step: string, metadata: EventMetadata): Promise<number> {
    return runCommand(this.store, orderDecider, orderStreamId(row.order_id), { ...command, metadata: { now: this.now().toISOString() } } as OrderCommand, `${row.order_id}:${step}`, metadata);
  }

  private async row(orderId: string): Promise<SagaRow | undefined> {
    return (await this.pool.query<SagaRow>('SELECT * FROM payment_sagas WHERE order_id = $1', [orderId])).rows[0];
  }

  private async setState(orderId: string, state: SagaState, reason: string | null = null): Promise<void> {
    await this.pool.query('UPDATE payment_sagas SET state = $2, reason = coalesce($3, reason), updated_at = now() WHERE order_id = $1', [orderId, state, reason]);
  }

  private metadataFrom(event: EventEnvelope<KnownEvent>): EventMetadata {
    return { correlationId: event.metadata.correlationId, causationId: event.eventId, actor: 'payment-saga' };
  }
}
