import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { testConfig } from '#infra/testing/test-config';
import { bearer } from '../../../test/support/tokens.js';
import { bootstrap } from './main.js';

/** METRICS_ENABLED=false, as the bench measures what metrics cost: no /metrics, commands as usual. */
describe('command-api with metrics off (real PostgreSQL, Redis, Keycloak)', () => {
  let app: INestApplication;
  let pool: Pool;
  let base: string;

  beforeAll(async () => {
    pool = createPool(testConfig(), 1);
    await migrate(pool);
    const rateLimits = { ...testConfig().rateLimits, keyPrefix: `metrics-off-${randomUUID()}:` };
    app = await bootstrap(testConfig({ commandApiPort: 0, relayEnabled: false, metricsEnabled: false, rateLimits }));
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app.close();
    await pool.end();
  });

  it('serves no /metrics and still answers commands', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    const opened = await fetch(`${base}/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await bearer('alice')) },
      body: JSON.stringify({ ownerName: 'Unmetered', currency: 'EUR' }),
    });
    expect(opened.status).toBe(201);
  });
});
