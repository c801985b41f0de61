import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { baseUrl, waitUntil, type AppName } from './support/apps.js';
import { Stack } from './support/stack.js';
import { accessToken, newCustomer, newUser, publishedKey, serviceToken, subjectOf, unpublishedKey, type TestSigningKey, type TestUser } from './support/tokens.js';

/**
 * Who may do what, route by route, with tokens from the local Keycloak: the owner (a customer),
 * another customer, an operator, the payment service, a user of the realm with none of the roles
 * the apps know, no token, and a forged token (the owner's, with its payload changed). Every cell
 * is the status that caller must get. What a caller may not see answers as if it did not exist
 * (404), so ids cannot be probed; what a role may never do is a 403; no or a bad token is a 401.
 */
type Caller = 'owner' | 'other' | 'operator' | 'service' | 'roleless' | 'anonymous' | 'forged';
const CALLERS: readonly Caller[] = ['owner', 'other', 'operator', 'service', 'roleless', 'anonymous', 'forged'];

interface Reply {
  status: number;
  body: Record<string, unknown>;
  wwwAuthenticate: string | null;
}

describe('authorization: every route × role × owner or not', () => {
  const stack = new Stack();
  let owner: TestUser;
  let other: TestUser;
  let roleless: TestUser;
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
      case 'roleless': return accessToken(roleless);
      case 'anonymous': return null;
      case 'forged': return forge();
    }
  };
  const call = async (caller: Caller | { token: string }, app: AppName, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> => {
    const token = typeof caller === 'string' ? await tokenOf(caller) : caller.token;
    const response = await fetch(`${baseUrl(app)}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown>, wwwAuthenticate: response.headers.get('www-authenticate') };
  };
  const post = (caller: Caller | { token: string }, path: string, body: unknown = {}): Promise<Reply> => call(caller, 'command-api', 'POST', path, body);
  const get = (caller: Caller | { token: string }, path: string): Promise<Reply> => call(caller, 'query-api', 'GET', path);

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
    [owner, other, roleless] = await Promise.all([newCustomer('owner'), newCustomer('other'), newUser('roleless', null)]);
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
  /** A token with none of the known roles is refused like a role that may not (403), whatever the target. */
  const row = (owner: number, other: number, operator: number, service: number): Record<Caller, number> => ({ owner, other, operator, service, roleless: 403, anonymous: 401, forged: 401 });

  it("the role-less caller's token is the realm's own, naming none of the roles the apps know", async () => {
    const claims = decodeJwt(await accessToken(roleless)) as { iss?: string; realm_access?: { roles?: string[] } };
    expect(claims.iss).toBe(decodeJwt(await accessToken(owner)).iss);
    expect(claims.realm_access?.roles?.filter((role) => ['customer', 'operator', 'payment-service'].includes(role)) ?? []).toEqual([]);
  });

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

  describe.each(['command-api', 'query-api'] as const)('%s: public routes', (app) => {
    it.each(['/metrics', '/health/live', '/health/ready'])('GET %s answers 200 without a token', async (path) => {
      const response = await fetch(`${baseUrl(app)}${path}`);
      expect({ status: response.status, challenge: response.headers.get('www-authenticate') }).toEqual({ status: 200, challenge: null });
    });
  });

  /**
   * Tokens a provider never issues, made by the test: signed with a key of its own that the realm
   * publishes (but never signs with), so each is refused for what it claims and not for its key;
   * and one signed with a key nobody publishes. Each on a command and on a read route.
   */
  describe('refused tokens over HTTP', () => {
    let key: TestSigningKey;
    /** The claims of a real token of the owner's, with some changed. */
    const claims = async (changes: Record<string, unknown>): Promise<Record<string, unknown>> => {
      const real = decodeJwt(await accessToken(owner));
      return { ...real, ...changes };
    };
    const expired = async (): Promise<string> => key.sign(await claims({ iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) - 300 }));
    const routes = [
      ['command-api', (token: string) => post({ token }, '/accounts', { ownerName: 'X', currency: 'EUR' })],
      ['query-api', (token: string) => get({ token }, `/accounts/${accountId}`)],
    ] as const;

    beforeAll(async () => {
      key = await publishedKey();
      // Each app fetches the realm's keys again when a token names a key id it has not seen, at most every 5 s.
      for (const [app, send] of routes) {
        const knowsKey = async (): Promise<boolean> => !/does not publish/.test((await send(await expired())).wwwAuthenticate ?? '');
        await waitUntil(knowsKey, 30_000, `${app} to know the new key`);
      }
    }, 60_000);
    afterAll(() => key?.remove());

    it.each([
      ['expired', () => expired(), 'the token has expired'],
      ['from another issuer', async () => key.sign(await claims({ iss: 'http://127.0.0.1:8180/realms/other' })), "the token's iss claim is not acceptable"],
      ['for another audience', async () => key.sign(await claims({ aud: 'another-api' })), "the token's aud claim is not acceptable"],
      ['signed with a key the realm does not publish', async () => unpublishedKey().sign(await claims({})), 'the token is signed with a key the issuer does not publish'],
    ])('a token %s: 401 with WWW-Authenticate naming why, on a command and on a read', async (_case, token, reason) => {
      for (const [app, send] of routes) {
        const reply = await send(await token());
        expect({ app, status: reply.status, challenge: reply.wwwAuthenticate, error: reply.body['error'] })
          .toEqual({ app, status: 401, challenge: `Bearer realm="ledger", error="invalid_token", error_description="${reason.replace(/"/g, '')}"`, error: 'invalid_token' });
      }
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
