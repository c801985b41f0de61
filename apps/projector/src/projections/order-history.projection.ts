import type { EventEnvelope, KnownEvent, OrderEvent, OrderLineItem } from '#events';
import type { PoolClient } from '#infra/postgres/pool';
import { orderHistoryTables } from '#infra/postgres/migrations/002-read-models';
import { ProjectionError, qualified, type ApplyOutcome, type Projection } from './projection.js';

export type OrderStatus = 'created' | 'cancelled' | 'shipped';
/** pending → paid; cancelled before payment → unpaid; cancelled after → refund_pending → refunded. */
export type PaymentStatus = 'pending' | 'paid' | 'unpaid' | 'refund_pending' | 'refunded';

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
  readonly statusHistory: readonly { status: OrderStatus; at: string; revision: number }[];
  readonly revision: number;
  readonly updatedAt: string;
  readonly paymentStatus: PaymentStatus;
}

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

const COLUMNS = `order_id text, customer_id text, account_id text, currency text, items jsonb, total bigint, status text,
  cancel_reason text, created_at timestamptz, cancelled_at timestamptz, shipped_at timestamptz, status_history jsonb,
  revision bigint, updated_at timestamptz, payment_status text`;

const NAMES = COLUMNS.split(',').map((c) => c.trim().split(/\s+/)[0]).join(', ');

const toRecord = (r: OrderHistoryRow): Record<string, unknown> => ({
  order_id: r.orderId, customer_id: r.customerId, account_id: r.accountId, currency: r.currency, items: r.items, total: r.total,
  status: r.status, cancel_reason: r.cancelReason, created_at: r.createdAt, cancelled_at: r.cancelledAt, shipped_at: r.shippedAt,
  status_history: r.statusHistory, revision: r.revision, updated_at: r.updatedAt, payment_status: r.paymentStatus,
});

interface StoredRow {
  order_id: string; customer_id: string; account_id: string; currency: string; items: OrderLineItem[]; total: string;
  status: OrderStatus; cancel_reason: string | null; created_at: Date; cancelled_at: Date | null; shipped_at: Date | null;
  status_history: OrderHistoryRow['statusHistory']; revision: string; updated_at: Date; payment_status: PaymentStatus;
}

const fromStored = (r: StoredRow): OrderHistoryRow => ({
  orderId: r.order_id, customerId: r.customer_id, accountId: r.account_id, currency: r.currency, items: r.items,
  total: Number(r.total), status: r.status, cancelReason: r.cancel_reason, createdAt: r.created_at.toISOString(),
  cancelledAt: r.cancelled_at?.toISOString() ?? null, shippedAt: r.shipped_at?.toISOString() ?? null,
  statusHistory: r.status_history, revision: Number(r.revision), updatedAt: r.updated_at.toISOString(), paymentStatus: r.payment_status,
});

const orderIdOf = (event: EventEnvelope<OrderEvent>): string => event.data.orderId;

export const orderHistoryProjection: Projection = {
  name: 'order-history',
  categories: ['order'],
  tables: ['order_history'],
  idColumn: 'order_id',
  createTables: orderHistoryTables,

  async apply(client: PoolClient, schema: string, events: readonly EventEnvelope<KnownEvent>[]): Promise<ApplyOutcome> {
    const orderEvents = events as readonly EventEnvelope<OrderEvent>[];
    const ids = [...new Set(orderEvents.map(orderIdOf))];
    const { rows } = await client.query<StoredRow>(
      `SELECT * FROM ${qualified(schema, 'order_history')} WHERE order_id = ANY($1) ORDER BY order_id FOR UPDATE`,
      [ids],
    );
    const current = new Map<string, OrderHistoryRow | null>(rows.map((r) => [r.order_id, fromStored(r)]));
    const changed = new Set<string>();
    let applied = 0;
    let skipped = 0;
    const rejected: { event: EventEnvelope<KnownEvent>; error: ProjectionError }[] = [];
    for (const event of orderEvents) {
      const id = orderIdOf(event);
      const row = current.get(id) ?? null;
      if (row && event.streamRevision <= row.revision) {
        skipped++;
        continue;
      }
      try {
        current.set(id, evolveOrderHistory(row, event));
        changed.add(id);
        applied++;
      } catch (error) {
        if (!(error instanceof ProjectionError)) throw error;
        rejected.push({ event, error });
      }
    }
    if (changed.size) {
      const records = [...changed].map((id) => toRecord(current.get(id)!));
      await client.query(
        `INSERT INTO ${qualified(schema, 'order_history')} (${NAMES})
         SELECT ${NAMES} FROM jsonb_to_recordset($1::jsonb) AS r(${COLUMNS})
         ON CONFLICT (order_id) DO UPDATE SET status = EXCLUDED.status, cancel_reason = EXCLUDED.cancel_reason,
           cancelled_at = EXCLUDED.cancelled_at, shipped_at = EXCLUDED.shipped_at, status_history = EXCLUDED.status_history,
           revision = EXCLUDED.revision, updated_at = EXCLUDED.updated_at, payment_status = EXCLUDED.payment_status`,
        [JSON.stringify(records)],
      );
    }
    return { applied, skipped, rejected };
  },
};
