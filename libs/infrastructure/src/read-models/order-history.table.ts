import type { OrderLineItem } from '#events';
import { columnSql, createTableSql, type ColumnSpec, type TableSpec } from './read-model.table.js';

export type OrderStatus = 'created' | 'cancelled' | 'shipped';
/** pending → paid; cancelled before payment → unpaid; cancelled after → refund_pending → refunded. */
export type PaymentStatus = 'pending' | 'paid' | 'unpaid' | 'refund_pending' | 'refunded';
export type StatusChange = { readonly status: OrderStatus; readonly at: string; readonly revision: number };

/** One denormalised order, as the projection evolves it and query-api shows it. */
export interface OrderHistoryRow {
  readonly orderId: string;
  readonly customerId: string;
  readonly accountId: string;
  readonly currency: string;
  readonly items: readonly OrderLineItem[];
  readonly total: number;
  readonly status: OrderStatus;
  readonly cancelReason: string | null;
  readonly createdAt: string;
  readonly cancelledAt: string | null;
  readonly shippedAt: string | null;
  readonly statusHistory: readonly StatusChange[];
  readonly revision: number;
  readonly updatedAt: string;
  readonly paymentStatus: PaymentStatus;
}

/** The row as `pg` returns it: bigint as text, timestamptz as Date. */
export interface StoredOrderHistory {
  order_id: string; customer_id: string; account_id: string; currency: string; items: OrderLineItem[]; total: string;
  status: OrderStatus; cancel_reason: string | null; created_at: Date; cancelled_at: Date | null; shipped_at: Date | null;
  status_history: StatusChange[]; revision: string; updated_at: Date; payment_status: PaymentStatus;
}

const COLUMNS_AT_002: readonly ColumnSpec[] = [
  { name: 'order_id', type: 'text', constraints: 'PRIMARY KEY' },
  { name: 'customer_id', type: 'text', constraints: 'NOT NULL' },
  { name: 'account_id', type: 'text', constraints: 'NOT NULL' },
  { name: 'currency', type: 'text', constraints: 'NOT NULL' },
  { name: 'items', type: 'jsonb', constraints: 'NOT NULL' },
  { name: 'total', type: 'bigint', constraints: 'NOT NULL' },
  { name: 'status', type: 'text', constraints: 'NOT NULL' },
  { name: 'cancel_reason', type: 'text' },
  { name: 'created_at', type: 'timestamptz', constraints: 'NOT NULL' },
  { name: 'cancelled_at', type: 'timestamptz' },
  { name: 'shipped_at', type: 'timestamptz' },
  { name: 'status_history', type: 'jsonb', constraints: 'NOT NULL' },
  { name: 'revision', type: 'bigint', constraints: 'NOT NULL' },
  { name: 'updated_at', type: 'timestamptz', constraints: 'NOT NULL' },
];
/** Added by migration 005. */
const PAYMENT_STATUS: ColumnSpec = { name: 'payment_status', type: 'text', constraints: "NOT NULL DEFAULT 'pending'" };

export const ORDER_HISTORY: TableSpec = {
  name: 'order_history',
  columns: [...COLUMNS_AT_002, PAYMENT_STATUS],
  indexes: ['(customer_id, created_at DESC, order_id DESC)'],
};

/** The table as it is now (a rebuild creates it in its shadow schema). */
export const orderHistoryDdl = (schema: string): string => createTableSql(schema, ORDER_HISTORY);
/** The table as migration 002 created it. */
export const orderHistoryDdlAt002 = (schema: string): string => createTableSql(schema, { ...ORDER_HISTORY, columns: COLUMNS_AT_002 });
/** What migration 005 added. */
export const addPaymentStatusSql = `ALTER TABLE order_history ADD COLUMN ${columnSql(PAYMENT_STATUS)};`;

export const orderHistoryRecord = (r: OrderHistoryRow): Record<string, unknown> => ({
  order_id: r.orderId, customer_id: r.customerId, account_id: r.accountId, currency: r.currency, items: r.items, total: r.total,
  status: r.status, cancel_reason: r.cancelReason, created_at: r.createdAt, cancelled_at: r.cancelledAt, shipped_at: r.shippedAt,
  status_history: r.statusHistory, revision: r.revision, updated_at: r.updatedAt, payment_status: r.paymentStatus,
});

/** Key order is the order of query-api's JSON. */
export const orderHistoryFromStored = (r: StoredOrderHistory): OrderHistoryRow => ({
  orderId: r.order_id,
  customerId: r.customer_id,
  accountId: r.account_id,
  currency: r.currency,
  items: r.items,
  total: Number(r.total),
  status: r.status,
  paymentStatus: r.payment_status,
  cancelReason: r.cancel_reason,
  createdAt: r.created_at.toISOString(),
  cancelledAt: r.cancelled_at?.toISOString() ?? null,
  shippedAt: r.shipped_at?.toISOString() ?? null,
  statusHistory: r.status_history,
  revision: Number(r.revision),
  updatedAt: r.updated_at.toISOString(),
});
