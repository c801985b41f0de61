import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '#infra/auth/principal';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';
import { orderHistoryFromStored, type OrderHistoryRow, type StoredOrderHistory } from '#infra/read-models/order-history.table';
import { mayRead, ownerFilter, readerOf } from '../access/reader.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { DEFAULT_PAGE_SIZE, type CustomerOrdersQueryDto } from '../shared/list-query.dto.js';

export type OrderView = OrderHistoryRow;

// The exact shape this API writes (Date#toISOString), so PostgreSQL never sees a date it rejects.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const roundTrips = (iso: string): boolean => !Number.isNaN(Date.parse(iso)) && new Date(iso).toISOString() === iso;
export const isOrderKey = (key: unknown[]): key is [string, string] =>
  key.length === 2 && typeof key[0] === 'string' && ISO_INSTANT.test(key[0]) && roundTrips(key[0]) &&
  typeof key[1] === 'string' && key[1].length <= 100;

/**
 * The order history as the caller may see it: a customer their own orders (customer_id is their
 * subject), an operator every order. What the caller may not see is not there for them (null),
 * like a missing order or customer.
 */
@Injectable()
export class OrderQueries {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async byId(caller: Principal, orderId: string): Promise<OrderView | null> {
    const { rows } = await this.pool.query<StoredOrderHistory>(
      'SELECT * FROM order_history WHERE order_id = $1 AND ($2::text IS NULL OR customer_id = $2)',
      [orderId, ownerFilter(readerOf(caller))],
    );
    return rows[0] ? orderHistoryFromStored(rows[0]) : null;
  }

  /** Newest first, keyset-paginated on (created_at, order_id). Null for another customer's orders, unless an operator asks. */
  async forCustomer(caller: Principal, customerId: string, query: CustomerOrdersQueryDto): Promise<{ items: OrderView[]; nextCursor: string | null } | null> {
    if (!mayRead(readerOf(caller), customerId)) return null;
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = query.cursor ? decodeCursor<[string, string]>(query.cursor, isOrderKey) : null;
    const { rows } = await this.pool.query<StoredOrderHistory>(
      `SELECT * FROM order_history
       WHERE customer_id = $1
         AND ($2::text IS NULL OR status = $2)
         AND ($3::timestamptz IS NULL OR (created_at, order_id) < ($3::timestamptz, $4::text))
       ORDER BY created_at DESC, order_id DESC
       LIMIT $5`,
      [customerId, query.status ?? null, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
    );
    const page = rows.slice(0, limit).map(orderHistoryFromStored);
    const last = page[page.length - 1];
    return { items: page, nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt, last.orderId]) : null };
  }
}
