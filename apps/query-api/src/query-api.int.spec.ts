import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { decodeJwt } from 'jose';
import type { EventEnvelope, KnownEvent } from '#events';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { testConfig } from '#infra/testing/test-config';
import { bearer } from '../../../test/support/tokens.js';
import { encodeCursor } from './shared/cursor.js';
import {
  accountOpened, deposited, orderCancelled, orderCreated, orderShipped, projectAccounts, projectOrders, withdrawn,
} from './testing/read-model-fixtures.js';
import { bootstrap } from './main.js';

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

type Headers = Record<string, string>;

/**
 * Callers with real tokens from the local Keycloak: alice and bob are customers, oscar an
 * operator. The read models are seeded with owners equal to their subjects.
 */
describe('query-api over HTTP (real PostgreSQL read models)', () => {
  let app: INestApplication;
  let pool: Pool;
  let base: string;
  let alice: Headers;
  let bob: Headers;
  let oscar: Headers;
  const subjectOf = (headers: Headers): string => decodeJwt(headers['authorization']!.replace(/^Bearer /, '')).sub!;

  beforeAll(async () => {
    [alice, bob, oscar] = [await bearer('alice'), await bearer('bob'), await bearer('oscar')];
    pool = createPool(testConfig(), 4);
    await migrate(pool);
    app = await bootstrap(testConfig({ queryApiPort: 0 }));
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app.close();
    await pool.end();
  });

  const get = async (path: string, headers: Headers = oscar, to = base): Promise<Reply> => {
    const response = await fetch(`${to}${path}`, { headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const expect400 = async (path: string, field: string): Promise<void> => {
    const reply = await get(path);
    expect({ path, status: reply.status, namesField: JSON.stringify(reply.body).includes(field) }).toEqual({ path, status: 400, namesField: true });
  };
  /** The reply to `path` for an id nobody has, with that id put back: what a caller may not see must answer exactly this. */
  const missing = async (path: (id: string) => string, id: string, headers: Headers): Promise<Reply> => {
    const unknown = randomUUID();
    const reply = await get(path(unknown), headers);
    return JSON.parse(JSON.stringify(reply).replaceAll(unknown, id)) as Reply;
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
        events.push(orderCreated(orderId, customerId, new Date(t0 + Math.floor(i / 2) * 60_000), 100 + i));
      }
      await projectOrders(pool, events);
      const later = ids.map((orderId, i) => (i % 3 === 0 ? orderShipped(orderId) : i % 3 === 1 ? orderCancelled(orderId) : null)).filter((e) => e !== null);
      await projectOrders(pool, later);
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

  describe('who sees which order', () => {
    const [alices, bobs] = [randomUUID(), randomUUID()];
    const list = (customerId: string): string => `/customers/${customerId}/orders`;

    beforeAll(async () => {
      await projectOrders(pool, [orderCreated(alices, subjectOf(alice)), orderCreated(bobs, subjectOf(bob))]);
    });

    it('a customer sees their own order, and their own orders listed', async () => {
      expect(await get(`/orders/${alices}`, alice)).toMatchObject({ status: 200, body: { orderId: alices, customerId: subjectOf(alice) } });
      const own = await get(`${list(subjectOf(alice))}?limit=100`, alice);
      expect(own.status).toBe(200);
      const items = own.body['items'] as { orderId: string; customerId: string }[];
      expect(items.map((o) => o.orderId)).toContain(alices);
      expect(new Set(items.map((o) => o.customerId))).toEqual(new Set([subjectOf(alice)]));
    });

    it('another customer’s order, or their list, answers exactly as a missing one', async () => {
      const theirs = await get(`/orders/${alices}`, bob);
      expect(theirs.status).toBe(404);
      expect(theirs).toEqual(await missing((id) => `/orders/${id}`, alices, bob));
      const theirList = await get(list(subjectOf(alice)), bob);
      expect(theirList.status).toBe(404);
      expect(theirList).toEqual(await missing(list, subjectOf(alice), bob));
    });

    it('an operator sees every customer’s orders', async () => {
      expect((await get(`/orders/${alices}`, oscar)).status).toBe(200);
      expect(await get(`/orders/${bobs}`, oscar)).toMatchObject({ status: 200, body: { customerId: subjectOf(bob) } });
      expect((await get(list(subjectOf(bob)), oscar)).status).toBe(200);
    });

    it('without a token → 401; health needs none', async () => {
      expect((await get(`/orders/${alices}`, {})).status).toBe(401);
      expect((await get(list(subjectOf(alice)), {})).status).toBe(401);
      expect((await get('/health', {})).status).toBe(200);
    });
  });

  describe('accounts', () => {
    const accountId = randomUUID();

    beforeAll(async () => {
      const events = [accountOpened(accountId, subjectOf(alice))];
      for (let r = 1; r <= 30; r++) events.push(r % 5 === 0 ? withdrawn(accountId, r, 50) : deposited(accountId, r, 100));
      await projectAccounts(pool, events);
    });

    it('GET /accounts/:id shows the balance and the owner', async () => {
      const reply = await get(`/accounts/${accountId}`);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ accountId, ownerName: 'Ada', ownerId: subjectOf(alice), currency: 'EUR', balance: 24 * 100 - 6 * 50, revision: 30 });
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

    it('its owner sees it and its statement; to another customer both answer exactly as for a missing account', async () => {
      expect(await get(`/accounts/${accountId}`, alice)).toMatchObject({ status: 200, body: { accountId, balance: 2_100 } });
      expect((await get(`/accounts/${accountId}/transactions`, alice)).status).toBe(200);
      for (const path of [(id: string) => `/accounts/${id}`, (id: string) => `/accounts/${id}/transactions`]) {
        const reply = await get(path(accountId), bob);
        expect(reply.status).toBe(404);
        expect(reply).toEqual(await missing(path, accountId, bob));
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
    const waiting = (headers: Headers, token: string): Headers => ({ ...headers, 'x-consistency-token': token });

    it('waits until the read model has applied the revision, then answers with it', async () => {
      const orderId = randomUUID();
      await projectOrders(pool, [orderCreated(orderId, subjectOf(alice))]);
      const pending = get(`/orders/${orderId}`, waiting(alice, `order-${orderId}@1`));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await projectOrders(pool, [orderShipped(orderId)]);
      const reply = await pending;
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ status: 'shipped', revision: 1 });
    });

    it('also waits for a stream the read model has not seen at all yet', async () => {
      const orderId = randomUUID();
      const pending = get(`/orders/${orderId}`, waiting(alice, `order-${orderId}@0`));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await projectOrders(pool, [orderCreated(orderId, subjectOf(alice))]);
      expect((await pending).status).toBe(200);
    });

    it('an operator’s token works on anyone’s stream', async () => {
      const accountId = randomUUID();
      await projectAccounts(pool, [accountOpened(accountId, subjectOf(bob))]);
      expect((await get(`/accounts/${accountId}`, waiting(oscar, `account-${accountId}@0`))).status).toBe(200);
    });

    describe('on a query-api that waits at most 300 ms', () => {
      let impatient: INestApplication;
      let to: string;
      beforeAll(async () => {
        impatient = await bootstrap(testConfig({ queryApiPort: 0, consistencyTimeoutMs: 300 }));
        to = `http://127.0.0.1:${(impatient.getHttpServer().address() as { port: number }).port}`;
      });
      afterAll(async () => {
        await impatient.close();
      });
      const timed = async (path: string, headers: Headers): Promise<Reply & { ms: number }> => {
        const start = Date.now();
        const reply = await get(path, headers, to);
        return { ...reply, ms: Date.now() - start };
      };

      it('answers 504 with what is applied when the revision does not arrive in time', async () => {
        const orderId = randomUUID();
        await projectOrders(pool, [orderCreated(orderId, subjectOf(alice))]);
        const reply = await timed(`/orders/${orderId}`, waiting(alice, `order-${orderId}@5`));
        expect(reply.status).toBe(504);
        expect(reply.body).toMatchObject({ error: 'consistency_timeout', wanted: 5, applied: 0 });
      });

      it('a token for someone else’s stream, though projected, holds until the timeout and answers as one for a stream never projected', async () => {
        const [orderId, neverProjected] = [randomUUID(), randomUUID()];
        await projectOrders(pool, [orderCreated(orderId, subjectOf(alice))]);
        const [stranger, unknown] = await Promise.all([
          timed(`/orders/${orderId}`, waiting(bob, `order-${orderId}@0`)),
          timed(`/orders/${neverProjected}`, waiting(bob, `order-${neverProjected}@0`)),
        ]);
        expect(stranger.ms).toBeGreaterThanOrEqual(300);
        expect({ status: stranger.status, body: stranger.body }).toEqual(JSON.parse(JSON.stringify({ status: unknown.status, body: unknown.body }).replaceAll(neverProjected, orderId)));
        expect(stranger.body).toMatchObject({ error: 'consistency_timeout', wanted: 0, applied: null });
      });
    });

    it('a malformed token → 400', async () => {
      const reply = await get(`/orders/${randomUUID()}`, waiting(oscar, 'order-1@x'));
      expect(reply.status).toBe(400);
      expect(reply.body['error']).toBe('invalid_header');
    });
  });
});
