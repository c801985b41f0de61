import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { testConfig } from '#infra/testing/test-config';
import { bearer } from '../../../test/support/tokens.js';
import { bootstrap } from './main.js';

/**
 * METRICS_ENABLED=false (the bench measures what metrics cost) and API_DOCS_ENABLED=false (as in
 * production): no /metrics, no /docs or /docs-json, commands as usual.
 */
describe('command-api with metrics and the API description off (real PostgreSQL, Redis, Keycloak)', () => {
  let app: INestApplication;
  let pool: Pool;
  let base: string;

  beforeAll(async () => {
    pool = createPool(testConfig(), 1);
    await migrate(pool);
    const rateLimits = { ...testConfig().rateLimits, keyPrefix: `metrics-off-${randomUUID()}:` };
    app = await bootstrap(testConfig({ commandApiPort: 0, relayEnabled: false, metricsEnabled: false, apiDocsEnabled: false, rateLimits }));
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app.close();
    await pool.end();
  });

  it('serves no /metrics, /docs or /docs-json, and still answers commands', async () => {
    for (const path of ['/metrics', '/docs', '/docs-json']) expect({ path, status: (await fetch(`${base}${path}`)).status }).toEqual({ path, status: 404 });
    const opened = await fetch(`${base}/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await bearer('alice')) },
      body: JSON.stringify({ ownerName: 'Unmetered', currency: 'EUR' }),
    });
    expect(opened.status).toBe(201);
  });
});
