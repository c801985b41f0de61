import { randomUUID } from 'node:crypto';
import { accountStreamId, CURRENT_SCHEMA_VERSION, orderStreamId, type KnownEvent, type OrderLineItem } from '#events';
import type { Pool } from '#infra/postgres/pool';
import { copyRows } from './database.js';

/** A generated event with its stream and revision, as the store would hold it. */
export interface GeneratedEvent {
  readonly eventId: string;
  readonly streamId: string;
  readonly revision: number;
  readonly type: KnownEvent['type'];
  readonly data: KnownEvent['data'];
  readonly occurredAt: string;
}

interface Account {
  readonly id: string;
  revision: number;
  balance: number;
}

interface Order {
  readonly id: string;
  readonly account: Account;
  readonly total: number;
  revision: number;
  state: 'created' | 'paid' | 'done';
}

const PRODUCTS = ['Walnut desk', 'Linen shirt', 'Green tea', 'Road bike', 'Oak shelf', 'Wool scarf', 'Espresso cups', 'Trail shoes'];

/**
 * A realistic mix of the domain's events, interleaved across streams the way live traffic is:
 * accounts opened and funded, orders created, paid (a withdrawal that names the order, then
 * OrderPaid), shipped, or cancelled (refunded when paid). Every stream is valid for the deciders
 * and the projections. Deterministic for a given seed.
 */
export function* generateEvents(count: number, seed = 1): Generator<GeneratedEvent> {
  let state = seed >>> 0 || 1;
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const accounts: Account[] = [];
  const open: Order[] = [];
  let clock = Date.UTC(2026, 0, 1);
  let produced = 0;
  const event = (streamId: string, revision: number, e: KnownEvent): GeneratedEvent => {
    produced++;
    clock += 7;
    return { eventId: randomUUID(), streamId, revision, type: e.type, data: e.data, occurredAt: new Date(clock).toISOString() };
  };
  while (produced < count) {
    const at = new Date(clock).toISOString();
    const roll = random();
    if (accounts.length < 20 || roll < 0.03) {
      const account: Account = { id: randomUUID(), revision: 0, balance: 0 };
      accounts.push(account);
      yield event(accountStreamId(account.id), 0, { type: 'AccountOpened', data: { accountId: account.id, ownerName: `Owner ${accounts.length}`, currency: 'EUR', openedAt: at, ownerId: `owner-${accounts.length}` } });
    } else if (roll < 0.35) {
      const account = pick(accounts);
      const amount = 1000 + Math.floor(random() * 50_000);
      account.balance += amount;
      yield event(accountStreamId(account.id), ++account.revision, {
        type: 'MoneyDeposited',
        data: { accountId: account.id, amount, currency: 'EUR', description: 'salary', depositedAt: at },
      });
    } else if (roll < 0.45) {
      const account = pick(accounts);
      const amount = Math.min(account.balance, 500 + Math.floor(random() * 5_000));
      if (amount <= 0) continue;
      account.balance -= amount;
      yield event(accountStreamId(account.id), ++account.revision, {
        type: 'MoneyWithdrawn',
        data: { accountId: account.id, amount, currency: 'EUR', description: 'cash', withdrawnAt: at },
      });
    } else if (roll < 0.65 || open.length === 0) {
      const account = pick(accounts);
      // One order in fifty is large, 100 lines, as a rebuild's memory must stay bounded with them too.
      const lines = random() < 0.02 ? 100 : 1 + Math.floor(random() * 3);
      const items: OrderLineItem[] = Array.from({ length: lines }, (_, i) => ({
        sku: `SKU-${Math.floor(random() * 5000)}-${i}`,
        name: pick(PRODUCTS),
        quantity: 1 + Math.floor(random() * 3),
        unitPrice: 199 + Math.floor(random() * 9_800),
      }));
      const order: Order = { id: randomUUID(), account, total: items.reduce((t, i) => t + i.quantity * i.unitPrice, 0), revision: 0, state: 'created' };
      open.push(order);
      yield event(orderStreamId(order.id), 0, {
        type: 'OrderCreated',
        data: { orderId: order.id, customerId: `customer-${accounts.indexOf(account) % 997}`, accountId: account.id, currency: 'EUR', items, total: order.total, createdAt: at },
      });
    } else {
      const index = Math.floor(random() * open.length);
      const order = open[index]!;
      const { account } = order;
      if (order.state === 'created' && account.balance >= order.total && random() < 0.85) {
        account.balance -= order.total;
        order.state = 'paid';
        yield event(accountStreamId(account.id), ++account.revision, {
          type: 'MoneyWithdrawn',
          data: { accountId: account.id, amount: order.total, currency: 'EUR', description: `payment of order ${order.id}`, withdrawnAt: at, orderId: order.id },
        });
        yield event(orderStreamId(order.id), ++order.revision, { type: 'OrderPaid', data: { orderId: order.id, accountId: account.id, amount: order.total, paidAt: at } });
      } else if (order.state === 'paid' && random() < 0.8) {
        order.state = 'done';
        open.splice(index, 1);
        yield event(orderStreamId(order.id), ++order.revision, { type: 'OrderShipped', data: { orderId: order.id, shippedAt: at } });
      } else {
        const paid = order.state === 'paid';
        order.state = 'done';
        open.splice(index, 1);
        yield event(orderStreamId(order.id), ++order.revision, { type: 'OrderCancelled', data: { orderId: order.id, reason: 'customer changed their mind', cancelledAt: at } });
        if (paid) {
          account.balance += order.total;
          yield event(accountStreamId(account.id), ++account.revision, {
            type: 'MoneyDeposited',
            data: { accountId: account.id, amount: order.total, currency: 'EUR', description: `refund of order ${order.id}`, depositedAt: at, refundOf: order.id },
          });
          yield event(orderStreamId(order.id), ++order.revision, {
            type: 'OrderRefunded',
            data: { orderId: order.id, accountId: account.id, amount: order.total, refundedAt: at },
          });
        }
      }
    }
  }
}

/**
 * Stores generated events straight into the event store's tables with COPY, in transactions of
 * `perTransaction` events (how a busy log looks), and sets each stream's revision. Returns the
 * number stored. This is set-up, not a measured path.
 */
export const storeGenerated = async (pool: Pool, events: Iterable<GeneratedEvent>, perTransaction = 10_000): Promise<number> => {
  const client = await pool.connect();
  let stored = 0;
  try {
    let chunk: GeneratedEvent[] = [];
    const flush = async (): Promise<void> => {
      if (!chunk.length) return;
      await client.query('BEGIN');
      await copyRows(
        client,
        'COPY events (event_id, stream_id, stream_revision, type, schema_version, data, metadata, occurred_at) FROM STDIN (FORMAT csv)',
        chunk.map((e) => [e.eventId, e.streamId, e.revision, e.type, CURRENT_SCHEMA_VERSION[e.type], JSON.stringify(e.data), JSON.stringify({ correlationId: e.eventId, causationId: null, actor: 'bench' }), e.occurredAt]),
      );
      await client.query('COMMIT');
      stored += chunk.length;
      chunk = [];
    };
    for (const event of events) {
      chunk.push(event);
      if (chunk.length >= perTransaction) await flush();
    }
    await flush();
    await client.query('ANALYZE events');
    return stored;
  } finally {
    client.release();
  }
};
