import type { EventEnvelope, KnownEvent, OrderEvent } from '#events';
import {
  ORDER_HISTORY, orderHistoryDdl, orderHistoryFromStored, orderHistoryRecord, type OrderHistoryRow, type OrderStatus, type StoredOrderHistory,
} from '#infra/read-models/order-history.table';
import { ORDER_HISTORY_PARKED, parkedStreamsDdl } from '#infra/read-models/parked-streams.table';
import { loadParked, saveParked } from './parked-streams.js';
import { ProjectionError, type ApplyOutcome, type Projection } from './projection.js';
import { inRevisionOrder, rejectingInto } from './revision-order.js';
import { keyedRowTable, lowestRevisions, tableRows, writingBehind, type ApplyWith } from './rows.js';

const transition = (row: OrderHistoryRow, status: OrderStatus, at: string, revision: number, occurredAt: string): OrderHistoryRow => ({
  ...row,
  status,
  statusHistory: [...row.statusHistory, { status, at, revision }],
  revision,
  updatedAt: occurredAt,
});

/** One denormalised row per order; every column comes from the events. */
export const evolveOrderHistory = (row: OrderHistoryRow | null, event: EventEnvelope<OrderEvent>): OrderHistoryRow => {
  const { streamRevision: revision, occurredAt } = event;
  const e = { type: event.type, data: event.data } as OrderEvent;
  if (e.type === 'OrderCreated') {
    if (row) throw new ProjectionError(`Order ${e.data.orderId} is created twice`);
    const d = e.data;
    return {
      orderId: d.orderId, customerId: d.customerId, accountId: d.accountId, currency: d.currency, items: d.items,
      total: d.total, status: 'created', cancelReason: null, createdAt: d.createdAt, cancelledAt: null, shippedAt: null,
      statusHistory: [{ status: 'created', at: d.createdAt, revision }], revision, updatedAt: occurredAt, paymentStatus: 'pending',
    };
  }
  if (!row) throw new ProjectionError(`${e.type} for order ${e.data.orderId}, which was never created`);
  switch (e.type) {
    case 'OrderCancelled':
      return {
        ...transition(row, 'cancelled', e.data.cancelledAt, revision, occurredAt), cancelReason: e.data.reason, cancelledAt: e.data.cancelledAt,
        paymentStatus: row.paymentStatus === 'paid' ? 'refund_pending' : row.paymentStatus === 'pending' ? 'unpaid' : row.paymentStatus,
      };
    case 'OrderPaid':
      return { ...row, paymentStatus: 'paid', revision, updatedAt: occurredAt };
    case 'OrderRefunded':
      return { ...row, paymentStatus: 'refunded', revision, updatedAt: occurredAt };
    case 'OrderShipped':
      return { ...transition(row, 'shipped', e.data.shippedAt, revision, occurredAt), shippedAt: e.data.shippedAt };
    default: {
      const unknown: never = e;
      return unknown;
    }
  }
};

const orderIdOf = (event: EventEnvelope<KnownEvent>): string => (event as EventEnvelope<OrderEvent>).data.orderId;

/** One row per order; an order weighs its line items and its status changes too. */
const ORDERS = keyedRowTable<StoredOrderHistory, OrderHistoryRow>({
  spec: ORDER_HISTORY,
  idColumn: 'order_id',
  fromStored: orderHistoryFromStored,
  toRecord: orderHistoryRecord,
  updated: ['status', 'cancel_reason', 'cancelled_at', 'shipped_at', 'status_history', 'revision', 'updated_at', 'payment_status'],
  weight: (row) => 1 + row.items.length + row.statusHistory.length,
});

const applyOrderHistory: ApplyWith<OrderHistoryRow> = async (client, schema, events, rows) => {
  const current = await rows.current(lowestRevisions(events, orderIdOf));
  const parked = await loadParked(client, schema, ORDER_HISTORY_PARKED, [...new Set(events.map((e) => e.streamId))]);
  const changed = new Map<string, OrderHistoryRow>();
  const rejected: ApplyOutcome['rejected'][number][] = [];
  const outcome = inRevisionOrder(
    events,
    parked,
    (event) => current.get(orderIdOf(event))?.revision ?? -1,
    rejectingInto(rejected, (event) => {
      const id = orderIdOf(event);
      const row = evolveOrderHistory(current.get(id) ?? null, event as EventEnvelope<OrderEvent>);
      current.set(id, row);
      changed.set(id, row);
    }),
  );
  await rows.changed(changed);
  await saveParked(client, schema, ORDER_HISTORY_PARKED, outcome.streams);
  return { applied: outcome.applied, skipped: outcome.skipped, parked: outcome.parked, rejected };
};

export const orderHistoryProjection: Projection = {
  name: 'order-history',
  categories: ['order'],
  tables: [ORDER_HISTORY.name],
  idColumn: 'order_id',
  parkedTable: ORDER_HISTORY_PARKED.name,
  createTables: (schema) => `${orderHistoryDdl(schema)}\n  ${parkedStreamsDdl(schema, ORDER_HISTORY_PARKED)}`,
  apply: (client, schema, events) => applyOrderHistory(client, schema, events, tableRows(ORDERS, client, schema)),
  builder: (client, schema, heldWeight) => writingBehind(ORDERS, applyOrderHistory, client, schema, heldWeight),
};
