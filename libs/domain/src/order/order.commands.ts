import type { Command } from '#eventsourcing';

export interface LineItemInput {
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

export type CreateOrder = Command<
  'CreateOrder',
  { orderId: string; customerId: string; accountId: string; currency: string; items: readonly LineItemInput[] }
>;
/** `unlessPaid`: the payment saga's timeout, which must not cancel an order that got paid. */
export type CancelOrder = Command<'CancelOrder', { orderId: string; reason: string; unlessPaid?: boolean }>;
export type ShipOrder = Command<'ShipOrder', { orderId: string }>;
/** The payment saga withdrew the order's total from its account. */
export type MarkOrderPaid = Command<'MarkOrderPaid', { orderId: string }>;
/** The payment saga gave a cancelled order's payment back. */
export type RecordOrderRefund = Command<'RecordOrderRefund', { orderId: string }>;

export type OrderCommand = CreateOrder | CancelOrder | ShipOrder | MarkOrderPaid | RecordOrderRefund;
