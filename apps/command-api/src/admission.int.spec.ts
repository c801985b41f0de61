import type { INestApplication } from '@nestjs/common';
import { accountStreamId } from '#events';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { testConfig } from '#infra/testing/test-config';
import { bearer } from '../../../test/support/tokens.js';
import { bootstrap } from './main.js';

describe('admission control on command-api (real PostgreSQL)', () => {
  let app: INestApplication;
  let pool: Pool;
  let base: string;

  beforeAll(async () => {
    pool = createPool(testConfig(), 2);
    await migrate(pool);
    app = await bootstrap(testConfig({ commandApiPort: 0, relayEnabled: false, maxInFlightRequests: 6, maxInFlightPerStream: 2 }));
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app.close();
    await pool.end();
  });

  const post = async (path: string, body: unknown): Promise<{ status: number; retryAfter: string | null; body: Record<string, unknown> }> => {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(await bearer('alice')) }, body: JSON.stringify(body) });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Record<string, unknown> };
  };
  const openAccount = async (): Promise<string> => (await post('/accounts', { ownerName: 'Busy Bee', currency: 'EUR' })).body['accountId'] as string;
  const deposits = async (accountId: string): Promise<number> =>
    Number((await pool.query<{ n: string }>("SELECT count(*) AS n FROM events WHERE stream_id = $1 AND type = 'MoneyDeposited'", [accountId && accountStreamId(accountId)])).rows[0]?.n);

  it('refuses at once, with 503 and Retry-After, what is beyond the bound for one stream; appends exactly what it accepted', async () => {
    const accountId = await openAccount();
    const replies = await Promise.all(Array.from({ length: 30 }, () => post(`/accounts/${accountId}/deposits`, { amount: 1, currency: 'EUR' })));
    const refused = replies.filter((r) => r.status === 503);
    expect(replies.every((r) => r.status === 201 || r.status === 503)).toBe(true);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.retryAfter === '1' && r.body['error'] === 'overloaded')).toBe(true);
    expect(await deposits(accountId)).toBe(replies.filter((r) => r.status === 201).length);
    // The bound frees up as answers go out: the next one is accepted.
    expect((await post(`/accounts/${accountId}/deposits`, { amount: 1, currency: 'EUR' })).status).toBe(201);
  });

  it('refuses what is beyond the bound for the process, across streams', async () => {
    const accounts = await Promise.all(Array.from({ length: 6 }, () => openAccount()));
    const replies = await Promise.all(Array.from({ length: 60 }, (_, i) => post(`/accounts/${accounts[i % accounts.length]!}/deposits`, { amount: 1, currency: 'EUR' })));
    expect(replies.every((r) => r.status === 201 || r.status === 503)).toBe(true);
    expect(replies.some((r) => r.status === 503)).toBe(true);
  });

  it('always answers /health, whatever the load', async () => {
    const accountId = await openAccount();
    const [health] = await Promise.all([
      fetch(`${base}/health`),
      ...Array.from({ length: 20 }, () => post(`/accounts/${accountId}/deposits`, { amount: 1, currency: 'EUR' })),
    ]);
    expect(health.status).toBe(200);
  });

  it('answers liveness and readiness apart', async () => {
    const live = await fetch(`${base}/health/live`);
    expect({ status: live.status, body: await live.json() }).toEqual({ status: 200, body: { status: 'alive' } });
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok' });
  });
});
