import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { accountStreamId, orderStreamId, type EventEnvelope, type KnownEvent } from '#events';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { accountStatementProjection } from '../../projector/src/projections/account-statement.projection.js';
import { orderHistoryProjection } from '../../projector/src/projections/order-history.projection.js';
import type { Projection } from '../../projector/src/projections/projection.js';
import { encodeCursor } from './shared/cursor.js';
import { bootstrap } from './main.js';
import { testConfig } from '#infra/testing/test-config';

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

const meta = { correlationId: randomUUID(), causationId: null };
let position = 0;
const envelope = (streamId: string, streamRevision: number, type: string, data: object, at = new Date()): EventEnvelope<KnownEvent> =>
  ({
    eventId: randomUUID(), type, schemaVersion: 1, streamId, streamRevision, globalPosition: String(++position),
    occurredAt: at.toISOString(), data, metadata: meta,
  }) as EventEnvelope<KnownEvent>;

describe('query-api over HTTP (real PostgreSQL read models)', () => {
  let app: INestApplication;
  let pool: Pool;
  let base: string;

  beforeAll(async () => {
    pool = createPool(testConfig(), 4);
    await migrate(pool);
    app = await bootstrap(testConfig({ queryApiPort: 0 }));
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app.close();
    await pool.end();
  });

  const get = async (path: string, headers: Record<string, string> = {}, to = base): Promise<Reply> => {
    const response = await fetch(`${to}${path}`, { headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  /** Writes through the projection itself, as the projector would. */
  const project = async (projection: Projection, events: readonly EventEnvelope<KnownEvent>[]): Promise<void> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const outcome = await projection.apply(client, 'public', events);
      await client.query('COMMIT');
      expect(outcome.rejected).toEqual([]);
    } finally {
      client.release();
    }
  };
  const created = (orderId: string, customerId: string, at: Date, unitPrice = 250) =>
    envelope(orderStreamId(orderId), 0, 'OrderCreated', {
      orderId, customerId, accountId: randomUUID(), currency: 'EUR',
      items: [{ sku: 'BK-1', name: 'Book', quantity: 2, unitPrice }], total: 2 * unitPrice, createdAt: at.toISOString(),
    }, at);
  const shipped = (orderId: string) => envelope(orderStreamId(orderId), 1, 'OrderShipped', { orderId, shippedAt: new Date().toISOString() });
  const cancelled = (orderId: string) => envelope(orderStreamId(orderId), 1, 'OrderCancelled', { orderId, reason: 'changed my mind', cancelledAt: new Date().toISOString() });
  const expect400 = async (path: string, field: string): Promise<void> => {
    const reply = await get(path);
    expect({ path, status: reply.status, namesField: JSON.stringify(reply.body).includes(field) }).toEqual({ path, status: 400, namesField: true });
  };

  describe('orders', () => {
    const customerId = `customer-${randomUUID()}`;
    const ids: string[] = [];
    const statusOf = new Map<string, string>();

    beforeAll(async () => {
      // 45 orders; every third pair shares a creation instant, so the order id must break ties.
      const t0 = Date.parse('2026-03-01T10:00:00.000Z');
      const events: EventEnvelope<KnownEvent>[] = [];
      for (let i = 0; i < 45; i++) {
        const orderId = randomUUID();
        ids.push(orderId);
        events.push(created(orderId, customerId, new Date(t0 + Math.floor(i / 2) * 60_000), 100 + i));
      }
      await project(orderHistoryProjection, events);
      const later = ids.map((orderId, i) => (i % 3 === 0 ? shipped(orderId) : i % 3 === 1 ? cancelled(orderId) : null)).filter((e) => e !== null);
      await project(orderHistoryProjection, later);
      ids.forEach((orderId, i) => statusOf.set(orderId, ['shipped', 'cancelled', 'created'][i % 3]!));
    });

    it('GET /orders/:id returns the denormalised order with its status history', async () => {
      const reply = await get(`/orders/${ids[0]}`);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        orderId: ids[0], customerId, currency: 'EUR', total: 200, status: 'shipped', revision: 1,
        items: [{ sku: 'BK-1', name: 'Book', quantity: 2, unitPrice: 100 }],
      });
      expect((reply.body['statusHistory'] as { status: string }[]).map((s) => s.status)).toEqual(['created', 'shipped']);
      expect(reply.body['shippedAt']).toEqual(expect.any(String));
      const cancelledOrder = await get(`/orders/${ids[1]}`);
      expect(cancelledOrder.body).toMatchObject({ status: 'cancelled', cancelReason: 'changed my mind' });
    });

    it('unknown order → 404; an id that is not a UUID → 400 naming it', async () => {
      const missing = await get(`/orders/${randomUUID()}`);
      expect(missing.status).toBe(404);
      expect(missing.body['error']).toBe('not_found');
      await expect400('/orders/not-a-uuid', 'id');
    });

    const walk = async (query: string, limit: number): Promise<string[]> => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await get(`/customers/${customerId}/orders?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        const items = page.body['items'] as { orderId: string; status: string }[];
        expect(items.length).toBeLessThanOrEqual(limit);
        seen.push(...items.map((o) => o.orderId));
        cursor = page.body['nextCursor'] as string | null;
      } while (cursor);
      return seen;
    };

    it('pages through a customer’s orders newest first, with no order twice and none left out', async () => {
      const seen = await walk('', 7);
      const instant = (id: string): number => Math.floor(ids.indexOf(id) / 2);
      const newestFirst = [...ids].sort((a, b) => instant(b) - instant(a) || (a < b ? 1 : -1));
      expect(seen).toEqual(newestFirst);
      const first = await get(`/customers/${customerId}/orders`);
      expect((first.body['items'] as unknown[]).length).toBe(20); // the default page size
    });

    it('filters by status, across pages', async () => {
      for (const status of ['shipped', 'cancelled', 'created']) {
        const seen = await walk(`&status=${status}`, 4);
        expect(new Set(seen)).toEqual(new Set(ids.filter((id) => statusOf.get(id) === status)));
        expect(seen).toHaveLength(15);
      }
    });

    it('an unknown customer has no orders (200, empty)', async () => {
      const reply = await get(`/customers/nobody-${randomUUID()}/orders`);
      expect(reply).toEqual({ status: 200, body: { items: [], nextCursor: null } });
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=2.5', 'limit'],
      ['status=paid', 'status'],
      ['cursor=garbage', 'cursor'],
      [`cursor=${encodeCursor(['2026-02-30T00:00:00.000Z', 'x'])}`, 'cursor'],
      [`cursor=${'a'.repeat(501)}`, 'cursor'],
      ['sort=total', 'sort'],
    ])('GET /customers/:id/orders?%s → 400 naming %s', async (query, field) => {
      await expect400(`/customers/${customerId}/orders?${query}`, field);
    });

    it('a customer id over 100 characters → 400', async () => {
      await expect400(`/customers/${'c'.repeat(101)}/orders`, 'customerId');
    });

    it.each([
      ['a NUL character', '/customers/c%00/orders'],
      ['another control character', '/customers/c%01/orders'],
    ])('a customer id with %s → 400', async (_, path) => {
      await expect400(path, '"field":"customerId"');
    });

    it.each(['constructor', '__proto__'])('an unknown parameter named %s → 400 naming it', async (name) => {
      await expect400(`/customers/${customerId}/orders?${name}=x`, `"field":"${name}"`);
    });
  });

  describe('accounts', () => {
    const accountId = randomUUID();
    const stream = accountStreamId(accountId);

    beforeAll(async () => {
      const events = [envelope(stream, 0, 'AccountOpened', { accountId, ownerName: 'Ada', currency: 'EUR', openedAt: new Date().toISOString() })];
      for (let r = 1; r <= 30; r++) {
        events.push(r % 5 === 0
          ? envelope(stream, r, 'MoneyWithdrawn', { accountId, amount: 50, currency: 'EUR', description: null, withdrawnAt: new Date().toISOString() })
          : envelope(stream, r, 'MoneyDeposited', { accountId, amount: 100, currency: 'EUR', description: `d${r}`, depositedAt: new Date().toISOString() }));
      }
      await project(accountStatementProjection, events);
    });

    it('GET /accounts/:id shows the balance', async () => {
      const reply = await get(`/accounts/${accountId}`);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ accountId, ownerName: 'Ada', currency: 'EUR', balance: 24 * 100 - 6 * 50, revision: 30 });
    });

    it('pages through the statement oldest first; running balances add up', async () => {
      const lines: { revision: number; kind: string; amount: number; balanceAfter: number }[] = [];
      let cursor: string | null = null;
      do {
        const page = await get(`/accounts/${accountId}/transactions?limit=8${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        lines.push(...(page.body['items'] as typeof lines));
        cursor = page.body['nextCursor'] as string | null;
      } while (cursor);
      expect(lines.map((l) => l.revision)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      let balance = 0;
      for (const line of lines) {
        balance += line.kind === 'deposit' ? line.amount : -line.amount;
        expect(line.balanceAfter).toBe(balance);
      }
    });

    it('unknown account → 404 for it and its transactions; bad parameters → 400', async () => {
      const unknown = randomUUID();
      expect((await get(`/accounts/${unknown}`)).status).toBe(404);
      expect((await get(`/accounts/${unknown}/transactions`)).status).toBe(404);
      await expect400('/accounts/1234/transactions', 'id');
      await expect400(`/accounts/${accountId}/transactions?limit=-1`, 'limit');
      await expect400(`/accounts/${accountId}/transactions?cursor=${encodeCursor(['7'])}`, 'cursor');
    });
  });

  describe('X-Consistency-Token', () => {
    it('waits until the read model has applied the revision, then answers with it', async () => {
      const orderId = randomUUID();
      await project(orderHistoryProjection, [created(orderId, 'c-token', new Date())]);
      const pending = get(`/orders/${orderId}`, { 'x-consistency-token': `order-${orderId}@1` });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await project(orderHistoryProjection, [shipped(orderId)]);
      const reply = await pending;
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ status: 'shipped', revision: 1 });
    });

    it('also waits for a stream the read model has not seen at all yet', async () => {
      const orderId = randomUUID();
      const pending = get(`/orders/${orderId}`, { 'x-consistency-token': `order-${orderId}@0` });
      await new Promise((resolve) => setTimeout(resolve, 200));
      await project(orderHistoryProjection, [created(orderId, 'c-token', new Date())]);
      expect((await pending).status).toBe(200);
    });

    it('answers 504 with what is applied when the revision does not arrive in time', async () => {
      // A query-api that waits at most 300 ms, on the same read models.
      const impatient = await bootstrap(testConfig({ queryApiPort: 0, consistencyTimeoutMs: 300 }));
      const orderId = randomUUID();
      await project(orderHistoryProjection, [created(orderId, 'c-token', new Date())]);
      const reply = await get(`/orders/${orderId}`, { 'x-consistency-token': `order-${orderId}@5` }, `http://127.0.0.1:${(impatient.getHttpServer().address() as { port: number }).port}`).finally(() => impatient.close());
      expect(reply.status).toBe(504);
      expect(reply.body).toMatchObject({ error: 'consistency_timeout', wanted: 5, applied: 0 });
    });

    it('a malformed token → 400', async () => {
      const reply = await get(`/orders/${randomUUID()}`, { 'x-consistency-token': 'order-1@x' });
      expect(reply.status).toBe(400);
      expect(reply.body['error']).toBe('invalid_header');
    });
  });
});
