import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Config } from '#infra/config/config';
import { createElasticsearch } from '#infra/elasticsearch/elasticsearch';
import { deleteIndices } from '#infra/testing/elasticsearch-cleanup';
import { testConfig } from '#infra/testing/test-config';
import { ensureOrderSearchIndex } from '../../projector/src/search/order-search.index.js';
import { bootstrap } from './main.js';
import { bearer } from '../../../test/support/tokens.js';

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/**
 * Rate limits (real Redis, a key prefix of this run's own), security headers and CORS, over HTTP
 * without tokens: every call here is anonymous, so it is counted per address, before the
 * authentication guard answers 401. Limits per caller are counted the same way, by subject.
 */
describe('rate limits, security headers and CORS on query-api (real Redis)', () => {
  const WINDOW_MS = 2_000;
  const ANONYMOUS = 3;
  const apps: INestApplication[] = [];

  const start = async (overrides: Partial<Config> = {}, anonymous = ANONYMOUS): Promise<string> => {
    const rateLimits = { keyPrefix: `test-${randomUUID()}:`, windowMs: WINDOW_MS, commands: 0, reads: 0, searches: 0, consistencyWaits: 0, anonymous };
    const app = await bootstrap(testConfig({ queryApiPort: 0, rateLimits, corsOrigins: [], ...overrides }));
    apps.push(app);
    return `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  };
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  const call = async (url: string, init: RequestInit = {}): Promise<Reply> => {
    const response = await fetch(url, init);
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const anOrder = (): string => `/orders/${randomUUID()}`;

  describe('with Redis', () => {
    let base: string;
    beforeAll(async () => (base = await start()));

    it('counts calls without a valid token per address, before the 401; beyond the limit answers 429 with Retry-After and the JSON error', async () => {
      const within = await Promise.all(Array.from({ length: ANONYMOUS }, () => call(`${base}${anOrder()}`)));
      expect(within.map((r) => r.status)).toEqual(Array(ANONYMOUS).fill(401));
      expect(within.map((r) => r.headers.get('x-ratelimit-limit-anonymous'))).toEqual(Array(ANONYMOUS).fill(String(ANONYMOUS)));

      const beyond = await call(`${base}${anOrder()}`);
      expect(beyond.status).toBe(429);
      expect(beyond.headers.get('retry-after')).toBe(String(WINDOW_MS / 1000));
      expect(beyond.headers.get('x-ratelimit-remaining-anonymous')).toBe('0');
      expect(beyond.body).toEqual({
        statusCode: 429,
        error: 'rate_limited',
        limit: 'anonymous',
        retryAfter: WINDOW_MS / 1000,
        message: 'Too many requests without a valid token from this address; retry in 2 s',
      });
      // A refused token is no way around it: token guessing is limited the same.
      expect((await call(`${base}${anOrder()}`, { headers: { authorization: 'Basic Z3Vlc3M6Z3Vlc3M=' } })).status).toBe(429);
    });

    it('serves again once the caller has waited Retry-After', async () => {
      let refused = await call(`${base}${anOrder()}`);
      for (let i = 0; refused.status !== 429 && i < ANONYMOUS + 1; i++) refused = await call(`${base}${anOrder()}`);
      expect(refused.status).toBe(429);
      // Calls made before Retry-After count in the next window; a caller that waits is served.
      await new Promise((done) => setTimeout(done, Number(refused.headers.get('retry-after')) * 1000 + 100));
      expect((await call(`${base}${anOrder()}`)).status).toBe(401);
    });

    it('never limits health, and shows the limits counted', async () => {
      const replies = await Promise.all(['/health', '/health/ready', '/health/live'].flatMap((path) => Array.from({ length: 3 * ANONYMOUS }, () => call(`${base}${path}`))));
      expect(replies.every((r) => r.status === 200 && !r.headers.has('x-ratelimit-limit-anonymous'))).toBe(true);
      expect((await call(`${base}/health`)).body).toMatchObject({ status: 'ok', rateLimits: { status: 'ok' } });
    });

    it('sends security headers on every answer, refusals included', async () => {
      for (const reply of [await call(`${base}/health`), await call(`${base}${anOrder()}`)]) {
        expect(reply.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
        expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
        expect(reply.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
        expect(reply.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(reply.headers.has('x-powered-by')).toBe(false);
      }
    });

    it('answers no CORS when no origin is configured', async () => {
      const simple = await call(`${base}/health`, { headers: { origin: 'https://app.example' } });
      expect(simple.headers.has('access-control-allow-origin')).toBe(false);
      const preflight = await call(`${base}${anOrder()}`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } });
      expect(preflight.headers.has('access-control-allow-origin')).toBe(false);
    });
  });

  describe('per caller, with tokens from the local Keycloak', () => {
    const READS = 4;
    const SEARCHES = 2;
    let base: string;
    // A search index of its own: the searches counted must find an index to answer from.
    const alias = `it-rate-limits-${randomUUID().slice(0, 8)}`;
    const es = createElasticsearch(testConfig().elasticsearchUrl);
    beforeAll(async () => {
      await ensureOrderSearchIndex(es, alias);
      const rateLimits = { keyPrefix: `test-${randomUUID()}:`, windowMs: WINDOW_MS, commands: 0, reads: READS, searches: SEARCHES, consistencyWaits: 1, anonymous: 0 };
      const app = await bootstrap(testConfig({ queryApiPort: 0, rateLimits, orderSearchAlias: alias }));
      apps.push(app);
      base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    });
    afterAll(async () => {
      await deleteIndices(es, `${alias}-*`);
      await es.close();
    });
    const waitOut = (reply: Reply) => new Promise((done) => setTimeout(done, Number(reply.headers.get('retry-after')) * 1000 + 100));

    it("counts each caller by subject: alice over her limit gets 429, bob's reads go on, and alice is served again after Retry-After", async () => {
      const alice = { headers: await bearer('alice') };
      const within = [];
      for (let i = 0; i < READS; i++) within.push((await call(`${base}${anOrder()}`, alice)).status);
      expect(within).toEqual(Array(READS).fill(404)); // served (nothing there), and counted
      const beyond = await call(`${base}${anOrder()}`, alice);
      expect(beyond.status).toBe(429);
      expect(beyond.body).toMatchObject({ error: 'rate_limited', limit: 'reads' });
      expect(Number(beyond.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await call(`${base}${anOrder()}`, { headers: await bearer('bob') })).status).toBe(404);
      await waitOut(beyond);
      expect((await call(`${base}${anOrder()}`, alice)).status).toBe(404);
    });

    it('limits searches and consistency waits tighter than reads', async () => {
      const oscar = { headers: await bearer('oscar') };
      const searches = [];
      for (let i = 0; i <= SEARCHES; i++) searches.push(await call(`${base}/orders/search?q=x`, oscar));
      expect(searches.map((r) => r.status)).toEqual([...Array(SEARCHES).fill(200), 429]);
      expect(searches.at(-1)!.body).toMatchObject({ limit: 'searches' });
      const bob = await bearer('bob');
      const token = { ...bob, 'x-consistency-token': `order-${randomUUID()}@0` };
      // Two waits at once: one is allowed (it waits, then times out: nothing is there), the other refused at once.
      const both = await Promise.all([call(`${base}${anOrder()}`, { headers: token }), call(`${base}${anOrder()}`, { headers: token })]);
      expect(both.map((r) => r.status).sort()).toEqual([429, 504]);
      expect(both.find((r) => r.status === 429)!.body).toMatchObject({ limit: 'consistencyWaits' });
    }, 30_000);
  });

  describe('behind a proxy: the address counted is the one TRUST_PROXY lets X-Forwarded-For name', () => {
    const from = (forwardedFor?: string): RequestInit => ({ headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
    /** Spends the anonymous limit as one caller: every call within it answers 401, the next 429. */
    const spend = async (base: string, init: RequestInit): Promise<void> => {
      const within = [];
      for (let i = 0; i < ANONYMOUS; i++) within.push((await call(`${base}${anOrder()}`, init)).status);
      expect(within).toEqual(Array(ANONYMOUS).fill(401));
      expect((await call(`${base}${anOrder()}`, init)).status).toBe(429);
    };

    it('with TRUST_PROXY=1 (one ingress hop), callers with other forwarded addresses have buckets of their own', async () => {
      const base = await start({ trustProxy: 1 });
      await spend(base, from('203.0.113.1'));
      expect((await call(`${base}${anOrder()}`, from('203.0.113.2'))).status).toBe(401);
      expect((await call(`${base}${anOrder()}`)).status).toBe(401); // the ingress itself: an address of its own too
      // The ingress appends the address it saw: what a caller writes before it is not trusted.
      expect((await call(`${base}${anOrder()}`, from('198.51.100.9, 203.0.113.1'))).status).toBe(429);
    });

    it('without TRUST_PROXY, X-Forwarded-For is ignored: a spoofed header gets no fresh bucket', async () => {
      const base = await start();
      await spend(base, from('203.0.113.1'));
      const spoofed = await call(`${base}${anOrder()}`, from('203.0.113.2'));
      expect(spoofed.status).toBe(429);
      expect(Number(spoofed.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await call(`${base}${anOrder()}`)).status).toBe(429);
    });
  });

  it('counts a caller across replicas: two instances on one Redis prefix share the limit', async () => {
    const READS = 4;
    // A window long enough that the counts cannot lapse while the test spends them.
    const rateLimits = { keyPrefix: `test-${randomUUID()}:`, windowMs: 10_000, commands: 0, reads: READS, searches: 0, consistencyWaits: 0, anonymous: 0 };
    const replicas = [];
    for (let i = 0; i < 2; i++) {
      const app = await bootstrap(testConfig({ queryApiPort: 0, rateLimits }));
      apps.push(app);
      replicas.push(`http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`);
    }
    const alice = { headers: await bearer('alice') };
    const within = [];
    for (let i = 0; i < READS; i++) within.push((await call(`${replicas[i % 2]}${anOrder()}`, alice)).status);
    expect(within).toEqual(Array(READS).fill(404)); // half on each replica, each within the limit on its own
    for (const replica of replicas) {
      const beyond = await call(`${replica}${anOrder()}`, alice);
      expect({ status: beyond.status, limit: beyond.body['limit'] }).toEqual({ status: 429, limit: 'reads' });
      expect(Number(beyond.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('allows exactly the configured origins', async () => {
    const base = await start({ corsOrigins: ['https://app.example'] });
    const allowed = await call(`${base}/health`, { headers: { origin: 'https://app.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('access-control-expose-headers')).toContain('Retry-After');
    expect(allowed.headers.has('access-control-allow-credentials')).toBe(false);
    const other = await call(`${base}/health`, { headers: { origin: 'https://app.example.evil' } });
    expect(other.headers.has('access-control-allow-origin')).toBe(false);

    const preflight = await call(`${base}${anOrder()}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,x-consistency-token' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization.*X-Consistency-Token/);
  });

  it('serves without limits when Redis does not answer, and says so in /health (degraded, still ready)', async () => {
    const base = await start({ redisUrl: 'redis://127.0.0.1:9' }, 1);
    const replies = await Promise.all(Array.from({ length: 5 }, () => call(`${base}${anOrder()}`)));
    expect(replies.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    const health = await call(`${base}/health`);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', rateLimits: { status: 'degraded', message: expect.stringContaining('served without rate limits') as unknown } });
  });
});
