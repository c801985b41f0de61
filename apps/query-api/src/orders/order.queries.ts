import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { DEFAULT_PAGE_SIZE, type CustomerOrdersQueryDto } from '../shared/list-query.dto.js';

interface OrderRow {
  order_id: string; customer_id: string; account_id: string; currency: string; items: unknown[]; total: string; status: string;
  cancel_reason: string | null; created_at: Date; cancelled_at: Date | null; shipped_at: Date | null; status_history: unknown[];
  revision: string; updated_at: Date; payment_status: string;
}

export const toOrderView = (r: OrderRow) => ({
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
export type OrderView = ReturnType<typeof toOrderView>;

// The exact shape this API writes (Date#toISOString), so PostgreSQL never sees a date it rejects.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const roundTrips = (iso: string): boolean => !Number.isNaN(Date.parse(iso)) && new Date(iso).toISOString() === iso;
export const isOrderKey = (key: unknown[]): key is [string, string] =>
  key.length === 2 && typeof key[0] === 'string' && ISO_INSTANT.test(key[0]) && roundTrips(key[0]) &&
  typeof key[1] === 'string' && key[1].length <= 100;

@Injectable()
export class OrderQueries {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async byId(orderId: string): Promise<OrderView | null> {
    const { rows } = await this.pool.query<OrderRow>('SELECT * FROM order_history WHERE order_id = $1', [orderId]);
    return rows[0] ? toOrderView(rows[0]) : null;
  }

  /** Newest first, keyset-paginated on (created_at, order_id). */
  async forCustomer(customerId: string, query: CustomerOrdersQueryDto): Promise<{ items: OrderView[]; nextCursor: string | null }> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = query.cursor ? decodeCursor<[string, string]>(query.cursor, isOrderKey) : null;
    const { rows } = await this.pool.query<OrderRow>(
      `SELECT * FROM order_history
       WHERE customer_id = $1
         AND ($2::text IS NULL OR status = $2)
         AND ($3::timestamptz IS NULL OR (created_at, order_id) < ($3::timestamptz, $4::text))
       ORDER BY created_at DESC, order_id DESC
       LIMIT $5`,
      [customerId, query.status ?? null, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
    );
    const page = rows.slice(0, limit).map(toOrderView);
    const last = page[page.length - 1];
    return { items: page, nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt, last.orderId]) : null };
  }
}
