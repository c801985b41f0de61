import { randomUUID } from 'node:crypto';
import { accountStreamId, CURRENT_SCHEMA_VERSION, orderStreamId, type EventEnvelope, type KnownEvent, type KnownEventType } from '#events';
import type { Principal, Role } from '#infra/auth/principal';
import type { Pool } from '#infra/postgres/pool';
import { accountStatementProjection } from '../../../projector/src/projections/account-statement.projection.js';
import { orderHistoryProjection } from '../../../projector/src/projections/order-history.projection.js';
import type { Projection } from '../../../projector/src/projections/projection.js';

/** Events as the projector gets them (current schema versions), and the read models written through the projections themselves. */
const meta = { correlationId: randomUUID(), causationId: null };
let position = 0;
export const envelope = (streamId: string, streamRevision: number, type: KnownEventType, data: object, at = new Date()): EventEnvelope<KnownEvent> =>
  ({
    eventId: randomUUID(), type, schemaVersion: CURRENT_SCHEMA_VERSION[type], streamId, streamRevision, globalPosition: String(++position),
    occurredAt: at.toISOString(), data, metadata: meta,
  }) as EventEnvelope<KnownEvent>;

export const accountOpened = (accountId: string, ownerId: string | null, ownerName = 'Ada'): EventEnvelope<KnownEvent> =>
  envelope(accountStreamId(accountId), 0, 'AccountOpened', { accountId, ownerName, currency: 'EUR', openedAt: new Date().toISOString(), ownerId });
export const deposited = (accountId: string, revision: number, amount = 100): EventEnvelope<KnownEvent> =>
  envelope(accountStreamId(accountId), revision, 'MoneyDeposited', { accountId, amount, currency: 'EUR', description: `d${revision}`, depositedAt: new Date().toISOString() });
export const withdrawn = (accountId: string, revision: number, amount = 50): EventEnvelope<KnownEvent> =>
  envelope(accountStreamId(accountId), revision, 'MoneyWithdrawn', { accountId, amount, currency: 'EUR', description: null, withdrawnAt: new Date().toISOString() });
export const orderCreated = (orderId: string, customerId: string, at = new Date(), unitPrice = 250): EventEnvelope<KnownEvent> =>
  envelope(orderStreamId(orderId), 0, 'OrderCreated', {
    orderId, customerId, accountId: randomUUID(), currency: 'EUR',
    items: [{ sku: 'BK-1', name: 'Book', quantity: 2, unitPrice }], total: 2 * unitPrice, createdAt: at.toISOString(),
  }, at);
export const orderShipped = (orderId: string): EventEnvelope<KnownEvent> =>
  envelope(orderStreamId(orderId), 1, 'OrderShipped', { orderId, shippedAt: new Date().toISOString() });
export const orderCancelled = (orderId: string): EventEnvelope<KnownEvent> =>
  envelope(orderStreamId(orderId), 1, 'OrderCancelled', { orderId, reason: 'changed my mind', cancelledAt: new Date().toISOString() });

/** Writes through the projection itself, as the projector would. */
export const project = async (pool: Pool, projection: Projection, events: readonly EventEnvelope<KnownEvent>[]): Promise<void> => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const outcome = await projection.apply(client, 'public', events);
    await client.query('COMMIT');
    if (outcome.rejected.length) throw new Error(`the projection rejected ${outcome.rejected.map((r) => r.error.message).join('; ')}`);
  } finally {
    client.release();
  }
};
export const projectAccounts = (pool: Pool, events: readonly EventEnvelope<KnownEvent>[]): Promise<void> => project(pool, accountStatementProjection, events);
export const projectOrders = (pool: Pool, events: readonly EventEnvelope<KnownEvent>[]): Promise<void> => project(pool, orderHistoryProjection, events);

/** A caller as the authentication middleware leaves it, for the query classes (HTTP tests use real tokens). */
export const principal = (subject: string, ...roles: Role[]): Principal => ({ subject, client: 'ledger-cli', roles, username: null });
