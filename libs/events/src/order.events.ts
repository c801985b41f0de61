import type { DomainEvent } from './envelope.js';
import type { CurrencyCode, MinorUnits } from './money.js';

export interface OrderLineItem {
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPrice: MinorUnits;
}

export type OrderCreated = DomainEvent<
  'OrderCreated',
  {
    orderId: string;
    customerId: string;
    accountId: string;
    currency: CurrencyCode;
    items: OrderLineItem[];
    total: MinorUnits;
    createdAt: string;
  }
>;
export type OrderCancelled = DomainEvent<'OrderCancelled', { orderId: string; reason: string; cancelledAt: string }>;
export type OrderShipped = DomainEvent<'OrderShipped', { orderId: string; shippedAt: string }>;

/** The order's total was withdrawn from its account by the payment saga. */
export type OrderPaid = DomainEvent<'OrderPaid', { orderId: string; accountId: string; amount: MinorUnits; paidAt: string }>;
/** The payment of a cancelled order went back to its account. */
export type OrderRefunded = DomainEvent<'OrderRefunded', { orderId: string; accountId: string; amount: MinorUnits; refundedAt: string }>;

export type OrderEvent = OrderCreated | OrderCancelled | OrderShipped | OrderPaid | OrderRefunded;
export const ORDER_EVENT_TYPES = ['OrderCreated', 'OrderCancelled', 'OrderShipped', 'OrderPaid', 'OrderRefunded'] as const satisfies readonly OrderEvent['type'][];
