import type { DomainCommand } from '../shared/actor.js';

export interface LineItemInput {
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

/**
 * `accountOwnerId`: the owner of `accountId` as the write side knows it when the order is placed
 * (null when there is no such account); the payment saga checks it again when it pays.
 */
export type CreateOrder = DomainCommand<
  'CreateOrder',
  { orderId: string; customerId: string; accountId: string; accountOwnerId: string | null; currency: string; items: readonly LineItemInput[] }
>;
/** `unlessPaid`: the payment saga's timeout, which must not cancel an order that got paid. */
export type CancelOrder = DomainCommand<'CancelOrder', { orderId: string; reason: string; unlessPaid?: boolean }>;
export type ShipOrder = DomainCommand<'ShipOrder', { orderId: string }>;
/** The payment saga withdrew the order's total from its account. */
export type MarkOrderPaid = DomainCommand<'MarkOrderPaid', { orderId: string }>;
/** The payment saga gave a cancelled order's payment back. */
export type RecordOrderRefund = DomainCommand<'RecordOrderRefund', { orderId: string }>;

export type OrderCommand = CreateOrder | CancelOrder | ShipOrder | MarkOrderPaid | RecordOrderRefund;
