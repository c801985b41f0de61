import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { orderStreamId } from '#events';
import { createElasticsearch } from '#infra/elasticsearch/elasticsearch';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { metricFamilies, promtoolProblems, sampleValue, scrapeMetrics } from '#infra/testing/metrics-scrape';
import { deleteIndices } from '#infra/testing/elasticsearch-cleanup';
import { testConfig } from '#infra/testing/test-config';
import { ensureOrderSearchIndex } from '../../projector/src/search/order-search.index.js';
import { bearer } from '../../../test/support/tokens.js';
import { bootstrap } from './main.js';

/** query-api's /metrics after a consistency wait that times out and a search. */
describe('metrics of query-api (real PostgreSQL, Elasticsearch, Keycloak)', () => {
  let app: INestApplication;
  let pool: Pool;
  let base: string;
  const alias = `it-metrics-${randomUUID().slice(0, 8)}`;
  const es = createElasticsearch(testConfig().elasticsearchUrl);

  beforeAll(async () => {
    pool = createPool(testConfig(), 2);
    await migrate(pool);
    await ensureOrderSearchIndex(es, alias);
    app = await bootstrap(testConfig({ queryApiPort: 0, consistencyTimeoutMs: 200, orderSearchAlias: alias }));
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app.close();
    await pool.end();
    await deleteIndices(es, `${alias}-*`);
    await es.close();
  });

  it('counts consistency waits and their timeouts, searches and the breaker state; promtool accepts the text', async () => {
    const orderId = randomUUID();
    const waited = await fetch(`${base}/orders/${orderId}`, { headers: { ...(await bearer('alice')), 'x-consistency-token': `${orderStreamId(orderId)}@3` } });
    expect(waited.status).toBe(504);
    const searched = await fetch(`${base}/orders/search?q=widget`, { headers: await bearer('alice') });
    expect(searched.status).toBe(200);

    const { status, text } = await scrapeMetrics(base);
    expect(status).toBe(200);
    const families = metricFamilies(text);
    const expected = ['http_request_duration_seconds', 'http_admission_refused_total', 'http_rate_limited_total', 'consistency_wait_duration_seconds', 'order_search_duration_seconds', 'order_search_circuit_state'];
    expect(expected.filter((name) => !families.has(name))).toEqual([]);
    const app = { app: 'query-api' };
    expect(sampleValue(text, 'consistency_wait_duration_seconds_count', { ...app, outcome: 'timeout' })).toBe(1);
    expect(sampleValue(text, 'order_search_duration_seconds_count', { ...app, outcome: 'ok' })).toBe(1);
    expect(sampleValue(text, 'order_search_circuit_state', { ...app, state: 'closed' })).toBe(1);
    expect(sampleValue(text, 'http_request_duration_seconds_count', { ...app, method: 'GET', route: '/orders/:id', status_class: '5xx' })).toBe(1);
    expect(text).not.toContain(orderId);
    expect(promtoolProblems(text)).toEqual([]);
  }, 60_000);
});
