import { randomUUID } from 'node:crypto';
import { request, type ClientRequest } from 'node:http';
import { AppProcess, baseUrl, waitUntil, type Ports } from './support/apps.js';
import { accessToken, serviceToken, type DevUser } from './support/tokens.js';

/**
 * The OpenAPI description (/docs-json) against the running apps: every documented route exists,
 * and every documented error status of every route is produced here, with one of the `error`
 * names documented for it. 429 and 503 need apps of their own, with limits of one: one request
 * per class of route in a long window, one request in flight.
 */
type Api = 'command-api' | 'query-api';
type Caller = DevUser | 'service' | null;

interface Operation {
  readonly api: Api;
  readonly method: 'GET' | 'POST';
  /** The documented path, `/accounts/{id}/deposits`. */
  readonly template: string;
  /** The `error` names documented per status (4xx and 5xx). */
  readonly errors: ReadonlyMap<number, ReadonlySet<string>>;
}

interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

interface Call {
  readonly as?: Caller;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, { content?: { 'application/json'?: { examples?: Record<string, { value: { error: string } }> } } }> }>>;
}

const operationsOf = (api: Api, document: OpenApiDocument): Operation[] =>
  Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      api,
      method: method.toUpperCase() as 'GET' | 'POST',
      template,
      errors: new Map(
        Object.entries(operation.responses)
          .filter(([status]) => Number(status) >= 400)
          .map(([status, response]) => [Number(status), new Set(Object.values(response.content?.['application/json']?.examples ?? {}).map((e) => e.value.error))]),
      ),
    })),
  );

const tokenOf = async (caller: Caller): Promise<string | null> => (caller === null ? null : caller === 'service' ? serviceToken() : accessToken(caller));

const call = async (origin: string, method: 'GET' | 'POST', path: string, { as = 'alice', body, rawBody, headers = {} }: Call = {}): Promise<Reply> => {
  const token = await tokenOf(as);
  const payload = rawBody ?? (method === 'POST' ? JSON.stringify(body ?? {}) : undefined);
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: payload,
  });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
};

/** Nest's answer when no route matches, unlike a 404 for a missing account or order. */
const isRouteNotFound = (reply: Reply): boolean => reply.status === 404 && /^Cannot (GET|POST) /.test(String(reply.body['message']));

/** Documented, but not to be produced on a shared stack; each says why. */
const NOT_PRODUCIBLE: Record<string, string> = {
  // idempotency_key_in_progress: a first request with the key must still run 5 s later; commands
  // on existing streams show their 409 through If-Match instead.
  'command-api POST /accounts 409': 'a request holding its Idempotency-Key for 5 s',
  'command-api POST /orders 409': 'a request holding its Idempotency-Key for 5 s',
};
// Also documented but produced nowhere here: 503 database_unavailable, identity_provider_unavailable
// and search_unavailable (PostgreSQL, Keycloak or Elasticsearch away: test/faults does that), 401
// invalid_token (test/authorization), and most rule_broken codes (the deciders' own tests).

describe('The OpenAPI description against the running apps', () => {
  const port = (api: Api, shift: number): number => Number(new URL(baseUrl(api)).port) + shift;
  const tightPorts: Ports = { 'command-api': port('command-api', 5), 'query-api': port('command-api', 6), projector: port('command-api', 7) };
  // Read-your-writes answers 504 after a second, not five.
  const env = { CONSISTENCY_TIMEOUT_MS: '1000' };
  const tight = {
    ...env,
    MAX_IN_FLIGHT_REQUESTS: '1',
    RATE_LIMIT_COMMANDS: '1',
    RATE_LIMIT_READS: '1',
    RATE_LIMIT_SEARCHES: '1',
    RATE_LIMIT_CONSISTENCY_WAITS: '1',
    RATE_LIMIT_ANONYMOUS: '1',
    RATE_LIMIT_WINDOW_MS: '600000',
    RATE_LIMIT_KEY_PREFIX: `docs-${randomUUID()}:`,
    RELAY_ENABLED: 'false',
  };
  const apps = [
    new AppProcess('command-api', env),
    new AppProcess('query-api', env),
    new AppProcess('command-api', tight, tightPorts, 'docs-tight'),
    new AppProcess('query-api', tight, tightPorts, 'docs-tight'),
  ];
  const origins: Record<Api, string> = { 'command-api': baseUrl('command-api'), 'query-api': baseUrl('query-api') };
  const tightOrigins: Record<Api, string> = { 'command-api': baseUrl('command-api', tightPorts), 'query-api': baseUrl('query-api', tightPorts) };
  const operations: Operation[] = [];
  let accountId: string;
  let orderId: string;

  beforeAll(async () => {
    for (const app of apps) await app.start();
    for (const api of ['command-api', 'query-api'] as const) {
      const served = await fetch(`${origins[api]}/docs-json`); // no token: the description is public
      expect(served.status).toBe(200);
      operations.push(...operationsOf(api, (await served.json()) as OpenApiDocument));
    }
    accountId = (await call(origins['command-api'], 'POST', '/accounts', { body: { ownerName: 'Docs', currency: 'EUR' } })).body['accountId'] as string;
    const order = await call(origins['command-api'], 'POST', '/orders', { body: { accountId, currency: 'EUR', items: [{ sku: 'D-1', name: 'Docs', quantity: 1, unitPrice: 100 }] } });
    expect(order.status).toBe(201);
    orderId = order.body['orderId'] as string;
  }, 180_000);
  afterAll(async () => {
    for (const app of [...apps].reverse()) await app.stop();
  }, 60_000);

  /** The path with its parameters filled in: this test's own account and order unless told. */
  const pathOf = (op: Operation, id: string = op.template.startsWith('/orders') ? orderId : accountId): string =>
    op.template.replace('{id}', id).replace('{customerId}', randomUUID());
  const key = (op: Operation, status: number): string => `${op.api} ${op.method} ${op.template} ${status}`;

  /** How to produce each error status of a command route. */
  const commandErrors = (op: Operation): Partial<Record<number, () => Promise<Reply>>> => {
    const at = (path: string, c: Call = {}): Promise<Reply> => call(origins['command-api'], 'POST', path, c);
    const validBody: Record<string, unknown> = {
      '/accounts': { ownerName: 'Docs', currency: 'EUR' },
      '/accounts/{id}/deposits': { amount: 1, currency: 'EUR' },
      '/accounts/{id}/withdrawals': { amount: 1, currency: 'EUR' },
      '/orders': { accountId, currency: 'EUR', items: [{ sku: 'D-1', name: 'Docs', quantity: 1, unitPrice: 100 }] },
      '/orders/{id}/cancel': { reason: 'docs' },
      '/orders/{id}/ship': {},
    };
    const forbidden: Record<string, Caller> = {
      '/accounts': 'oscar', '/accounts/{id}/deposits': 'service', '/accounts/{id}/withdrawals': 'oscar',
      '/orders': 'oscar', '/orders/{id}/cancel': 'oscar', '/orders/{id}/ship': 'alice',
    };
    // Only an operator gets past the role check to ship.
    const actor: Caller = op.template === '/orders/{id}/ship' ? 'oscar' : 'alice';
    return {
      400: () => at(pathOf(op), { body: { ...(validBody[op.template] as object), unexpected: true } }),
      401: () => at(pathOf(op), { as: null, body: validBody[op.template] }),
      403: () => at(pathOf(op), { as: forbidden[op.template] ?? 'alice', body: validBody[op.template] }),
      404: () => at(pathOf(op, randomUUID()), { as: actor, body: validBody[op.template] }),
      409: () => at(pathOf(op), { as: actor, body: validBody[op.template], headers: { 'if-match': '99' } }),
      413: () => at(pathOf(op), { rawBody: JSON.stringify({ padding: 'x'.repeat(70_000) }) }),
      415: () => at(pathOf(op), { rawBody: 'plain words', headers: { 'content-type': 'text/plain' } }),
      422: async () => {
        const idempotencyKey = randomUUID();
        // Keys are per caller: the same caller sends the key first with one body, then with another.
        await at(pathOf(op), { as: actor, body: validBody[op.template], headers: { 'idempotency-key': idempotencyKey } });
        return at(pathOf(op), { as: actor, body: { ...(validBody[op.template] as object), unexpected: 'another body' }, headers: { 'idempotency-key': idempotencyKey } });
      },
    };
  };

  /** How to produce each error status of a read route. */
  const queryErrors = (op: Operation): Partial<Record<number, () => Promise<Reply>>> => {
    const at = (path: string, c: Call = {}): Promise<Reply> => call(origins['query-api'], 'GET', path, c);
    return {
      400: () => at(op.template.includes('{id}') ? pathOf(op, 'not-a-uuid') : `${pathOf(op)}?limit=0`),
      401: () => at(pathOf(op), { as: null }),
      403: () => at(pathOf(op), { as: 'service' }),
      404: () => at(pathOf(op, randomUUID())),
      504: () => at(pathOf(op), { headers: { 'x-consistency-token': `account-${randomUUID()}@5` } }),
    };
  };

  it("describes the bodies with the DTOs' own validation rules", async () => {
    const { components } = (await (await fetch(`${origins['command-api']}/docs-json`)).json()) as { components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>>; required?: string[] }> } };
    const { OpenAccountDto, CreateOrderDto, LineItemDto } = components.schemas;
    expect(OpenAccountDto?.properties['ownerName']).toMatchObject({ type: 'string', maxLength: 200, pattern: '\\S', example: 'Alice Example' });
    expect(OpenAccountDto?.properties['currency']).toMatchObject({ type: 'string', pattern: '^[A-Z]{3}$' });
    expect(CreateOrderDto?.required).toEqual(['accountId', 'currency', 'items']);
    expect(CreateOrderDto?.properties['items']).toMatchObject({ type: 'array', minItems: 1, maxItems: 100, items: { $ref: '#/components/schemas/LineItemDto' } });
    expect(LineItemDto?.properties['quantity']).toMatchObject({ type: 'integer', exclusiveMinimum: 0, maximum: 1_000_000 });
  });

  it('documents the routes of both apps', () => {
    expect(operations.map((op) => `${op.api} ${op.method} ${op.template}`).sort()).toEqual([
      'command-api POST /accounts',
      'command-api POST /accounts/{id}/deposits',
      'command-api POST /accounts/{id}/withdrawals',
      'command-api POST /orders',
      'command-api POST /orders/{id}/cancel',
      'command-api POST /orders/{id}/ship',
      'query-api GET /accounts/{id}',
      'query-api GET /accounts/{id}/transactions',
      'query-api GET /customers/{customerId}/orders',
      'query-api GET /orders/search',
      'query-api GET /orders/{id}',
    ]);
  });

  it('has every documented route served: without a token it answers 401, never "no such route"', async () => {
    const answers = await Promise.all(operations.map(async (op) => [`${op.method} ${op.template}`, (await call(origins[op.api], op.method, pathOf(op), { as: null })).status] as const));
    expect(answers.filter(([, status]) => status !== 401)).toEqual([]);
    expect(isRouteNotFound(await call(origins['query-api'], 'GET', '/no-such-route', { as: null }))).toBe(true);
  });

  it('produces every documented 4xx and 504 of every route, with a documented error name', async () => {
    const failures: string[] = [];
    for (const op of operations) {
      const producers = op.api === 'command-api' ? commandErrors(op) : queryErrors(op);
      for (const [status, names] of op.errors) {
        if (status === 429 || status === 503 || NOT_PRODUCIBLE[key(op, status)]) continue; // the next tests, or not here
        const produce = producers[status];
        if (!produce) {
          failures.push(`${key(op, status)}: the test does not know how to produce it`);
          continue;
        }
        const reply = await produce();
        if (reply.status !== status || !names.has(String(reply.body['error']))) failures.push(`${key(op, status)}: got ${reply.status} ${JSON.stringify(reply.body)}`);
      }
    }
    expect(failures).toEqual([]);
    for (const unproduced of Object.keys(NOT_PRODUCIBLE)) expect(operations.some((op) => [...op.errors.keys()].some((s) => key(op, s) === unproduced))).toBe(true);
  }, 120_000);

  it('produces the documented 503 (overloaded) on every route when the process is at its bound', async () => {
    const failures: string[] = [];
    for (const api of ['command-api', 'query-api'] as const) {
      // A request whose body never ends holds the only place in flight.
      const held: ClientRequest = request(`${tightOrigins[api]}/health-is-not-this`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '100' } });
      held.on('error', () => undefined);
      held.write('{');
      try {
        await waitUntil(async () => (await call(tightOrigins[api], 'GET', '/docs-json', { as: null })).status === 503, 10_000, `${api} to be at its bound`);
        for (const op of operations.filter((o) => o.api === api)) {
          const reply = await call(tightOrigins[api], op.method, pathOf(op));
          if (!op.errors.has(503)) failures.push(`${key(op, 503)}: not documented`);
          else if (reply.status !== 503 || !op.errors.get(503)!.has(String(reply.body['error']))) failures.push(`${key(op, 503)}: got ${reply.status} ${JSON.stringify(reply.body)}`);
        }
      } finally {
        held.destroy();
      }
    }
    expect(failures).toEqual([]);
  }, 60_000);

  it('produces the documented 429 (rate_limited) on every route once the caller is past the limit', async () => {
    const failures: string[] = [];
    // The description is not counted, even without a token (one anonymous request per window here).
    for (const api of ['command-api', 'query-api'] as const) {
      for (let i = 0; i < 3; i++) expect((await fetch(`${tightOrigins[api]}/docs-json`)).status).toBe(200);
    }
    for (const op of operations) {
      // One request per class of route gets through in the window; the second is refused.
      await call(tightOrigins[op.api], op.method, pathOf(op));
      const reply = await call(tightOrigins[op.api], op.method, pathOf(op));
      if (!op.errors.has(429)) failures.push(`${key(op, 429)}: not documented`);
      else if (reply.status !== 429 || !op.errors.get(429)!.has(String(reply.body['error']))) failures.push(`${key(op, 429)}: got ${reply.status} ${JSON.stringify(reply.body)}`);
    }
    expect(failures).toEqual([]);
  }, 60_000);
});
