import { randomUUID } from 'node:crypto';
import { baseUrl, waitUntil, type AppName } from './support/apps.js';
import { Stack } from './support/stack.js';
import { accessToken, newCustomer, serviceToken, subjectOf, type TestUser } from './support/tokens.js';

/**
 * Who may do what, route by route, with tokens from the local Keycloak: the owner (a customer),
 * another customer, an operator, the payment service, no token, and a forged token (the owner's,
 * with its payload changed). Every cell is the status that caller must get. What a caller may not
 * see answers as if it did not exist (404), so ids cannot be probed; what a role may never do is a
 * 403; no or a bad token is a 401.
 */
type Caller = 'owner' | 'other' | 'operator' | 'service' | 'anonymous' | 'forged';
const CALLERS: readonly Caller[] = ['owner', 'other', 'operator', 'service', 'anonymous', 'forged'];

interface Reply {
  status: number;
  body: Record<string, unknown>;
  wwwAuthenticate: string | null;
}

describe('authorization: every route × role × owner or not', () => {
  const stack = new Stack();
  let owner: TestUser;
  let other: TestUser;
  let ownerId: string;
  let accountId: string;
  let paidOrderId: string;

  /** The owner's token with a payload claiming the operator role: its signature no longer verifies. */
  const forge = async (): Promise<string> => {
    const [header, payload, signature] = (await accessToken(owner)).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    return `${header}.${Buffer.from(JSON.stringify({ ...claims, realm_access: { roles: ['operator'] } })).toString('base64url')}.${signature}`;
  };
  const tokenOf = async (caller: Caller): Promise<string | null> => {
    switch (caller) {
      case 'owner': return accessToken(owner);
      case 'other': return accessToken(other);
      case 'operator': return accessToken('oscar');
      case 'service': return serviceToken();
      case 'anonymous': return null;
      case 'forged': return forge();
    }
  };
  const call = async (caller: Caller, app: AppName, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> => {
    const token = await tokenOf(caller);
    const response = await fetch(`${baseUrl(app)}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown>, wwwAuthenticate: response.headers.get('www-authenticate') };
  };
  const post = (caller: Caller, path: string, body: unknown = {}): Promise<Reply> => call(caller, 'command-api', 'POST', path, body);
  const get = (caller: Caller, path: string): Promise<Reply> => call(caller, 'query-api', 'GET', path);

  const openAccount = async (balance: number): Promise<string> => {
    const id = (await post('owner', '/accounts', { ownerName: 'Owner', currency: 'EUR' })).body['accountId'] as string;
    if (balance) expect((await post('owner', `/accounts/${id}/deposits`, { amount: balance, currency: 'EUR' })).status).toBe(201);
    return id;
  };
  const placeOrder = async (account: string): Promise<string> => {
    const reply = await post('owner', '/orders', { accountId: account, currency: 'EUR', items: [{ sku: 'AZ-1', name: 'Thing', quantity: 1, unitPrice: 100 }] });
    expect(reply.status).toBe(201);
    return reply.body['orderId'] as string;
  };
  const projected = async (path: string): Promise<void> => waitUntil(async () => (await get('owner', path)).status === 200, 30_000, `${path} to be projected`);

  beforeAll(async () => {
    [owner, other] = await Promise.all([newCustomer('owner'), newCustomer('other')]);
    ownerId = await subjectOf(owner);
    await stack.start();
    accountId = await openAccount(100_000);
    paidOrderId = await placeOrder(accountId);
    await waitUntil(async () => (await get('owner', `/orders/${paidOrderId}`)).body['paymentStatus'] === 'paid', 30_000, 'the payment saga to pay the order');
    await projected(`/accounts/${accountId}`);
  }, 180_000);
  afterAll(() => stack.stop(), 60_000);

  /** Each caller in turn (not at once: a refused command must not race an allowed one). */
  const statuses = async (request: (caller: Caller) => Promise<Reply>): Promise<Record<Caller, number>> => {
    const result = {} as Record<Caller, number>;
    for (const caller of CALLERS) result[caller] = (await request(caller)).status;
    return result;
  };
  const row = (owner: number, other: number, operator: number, service: number): Record<Caller, number> => ({ owner, other, operator, service, anonymous: 401, forged: 401 });

  describe('command-api', () => {
    it('POST /accounts: customers open their own; operators and the payment service may not', async () => {
      expect(await statuses((c) => post(c, '/accounts', { ownerName: 'Someone', currency: 'EUR' }))).toEqual(row(201, 201, 403, 403));
    });

    it("POST /accounts/:id/deposits: the owner tops up, an operator deposits anywhere; to another customer it does not exist", async () => {
      expect(await statuses((c) => post(c, `/accounts/${accountId}/deposits`, { amount: 1, currency: 'EUR' }))).toEqual(row(201, 404, 201, 403));
    });

    it('POST /accounts/:id/withdrawals: only the owner; the payment service only to pay an order, never over HTTP', async () => {
      expect(await statuses((c) => post(c, `/accounts/${accountId}/withdrawals`, { amount: 1, currency: 'EUR' }))).toEqual(row(201, 404, 403, 403));
    });

    it("POST /orders: a customer orders from an account of their own; another's account is refused like a missing one", async () => {
      const body = { accountId, currency: 'EUR', items: [{ sku: 'AZ-2', name: 'Thing', quantity: 1, unitPrice: 100 }] };
      expect(await statuses((c) => post(c, '/orders', body))).toEqual(row(201, 422, 403, 403));
      expect((await post('other', '/orders', body)).body).toMatchObject({ code: 'unknown_account' });
      expect((await post('other', '/orders', { ...body, accountId: randomUUID() })).body).toMatchObject({ code: 'unknown_account' });
      expect((await post('owner', '/orders', { ...body, customerId: await subjectOf(other) })).status).toBe(403);
    });

    it("POST /orders/:id/cancel: the order's customer (and the payment saga's identity); another customer gets a 404", async () => {
      const orders = await Promise.all(CALLERS.map(() => placeOrder(accountId)));
      const result = {} as Record<Caller, number>;
      for (const [i, caller] of CALLERS.entries()) result[caller] = (await post(caller, `/orders/${orders[i]}/cancel`, { reason: 'test' })).status;
      expect(result).toEqual(row(201, 404, 403, 201));
    });

    it('POST /orders/:id/ship: operators only', async () => {
      // The operator ships last: everyone else is refused before the order has shipped.
      expect(await statuses((c) => post(c, `/orders/${paidOrderId}/ship`))).toEqual(row(403, 403, 201, 403));
    });

    it('answers 401 with a WWW-Authenticate challenge, naming why a token was refused', async () => {
      const none = await post('anonymous', '/accounts', { ownerName: 'X', currency: 'EUR' });
      expect(none.wwwAuthenticate).toBe('Bearer realm="ledger"');
      expect(none.body).toMatchObject({ error: 'unauthenticated' });
      const forged = await post('forged', '/accounts', { ownerName: 'X', currency: 'EUR' });
      expect(forged.wwwAuthenticate).toMatch(/^Bearer realm="ledger", error="invalid_token", error_description=".*signature/);
      const [, payload] = (await accessToken(owner)).split('.');
      const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
      const response = await fetch(`${baseUrl('command-api')}/accounts`, { method: 'POST', headers: { authorization: `Bearer ${unsigned}`, 'content-type': 'application/json' }, body: '{}' });
      expect(response.status).toBe(401);
    });

    it('health answers without a token', async () => {
      for (const app of ['command-api', 'query-api', 'projector'] as const) expect((await fetch(`${baseUrl(app)}/health`)).status).toBe(200);
    });
  });

  describe('query-api', () => {
    it.each([
      ['GET /accounts/:id', () => `/accounts/${accountId}`],
      ['GET /accounts/:id/transactions', () => `/accounts/${accountId}/transactions`],
      ['GET /orders/:id', () => `/orders/${paidOrderId}`],
      ["GET /customers/:owner/orders", () => `/customers/${ownerId}/orders`],
    ])("%s: the owner and operators read it; to another customer it does not exist; the payment service reads nothing", async (_route, path) => {
      expect(await statuses((c) => get(c, path()))).toEqual(row(200, 404, 200, 403));
      // The same answer as for a missing id (but for the id it names).
      const uuids = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
      const answer = async (p: string): Promise<string> => JSON.stringify((await get('other', p)).body).replace(uuids, '<id>');
      expect(await answer(path())).toBe(await answer(path().replace(uuids, () => randomUUID())));
    });

    it("GET /orders/search: a customer finds only their own orders, an operator everyone's", async () => {
      expect(await statuses((c) => get(c, '/orders/search?q=thing'))).toEqual(row(200, 200, 200, 403));
      const seen = async (caller: Caller, query: string): Promise<string[]> => {
        let ids: string[] = [];
        await waitUntil(async () => {
          ids = ((await get(caller, `/orders/search?${query}&limit=100`)).body['items'] as { orderId: string }[]).map((o) => o.orderId);
          return caller === 'other' || ids.includes(paidOrderId);
        }, 30_000, 'the order to be searchable');
        return ids;
      };
      expect(await seen('owner', 'q=thing')).toContain(paidOrderId);
      // An operator searches everyone's orders (other tests' too): narrowed to this owner's here.
      expect(await seen('operator', `q=thing&customerId=${ownerId}`)).toContain(paidOrderId);
      expect(await seen('other', 'q=thing')).toEqual([]);
      const asked = (await get('other', `/orders/search?customerId=${ownerId}`)).body['items'] as unknown[] | undefined;
      expect(asked ?? []).toEqual([]); // asking for someone else's orders by name finds nothing either
    }, 60_000);
  });
});
