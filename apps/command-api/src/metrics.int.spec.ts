import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { metricFamilies, promtoolProblems, sampleValue, scrapeMetrics } from '#infra/testing/metrics-scrape';
import { testConfig } from '#infra/testing/test-config';
import { bearer } from '../../../test/support/tokens.js';
import { bootstrap } from './main.js';

/** command-api's /metrics after real traffic: appends, a 409, a 429, a 503, an idempotent replay. */
describe('metrics of command-api (real PostgreSQL, Redis, Keycloak)', () => {
  const ANONYMOUS = 2;
  let app: INestApplication;
  let pool: Pool;
  let base: string;

  beforeAll(async () => {
    pool = createPool(testConfig(), 2);
    await migrate(pool);
    const rateLimits = { ...testConfig().rateLimits, keyPrefix: `metrics-${randomUUID()}:`, anonymous: ANONYMOUS };
    app = await bootstrap(testConfig({ commandApiPort: 0, relayEnabled: false, maxInFlightPerStream: 1, rateLimits }));
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app.close();
    await pool.end();
  });

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}, token = true): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? await bearer('alice') : {}), ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('serves every family in Prometheus text format, labelled by app, after real traffic, and promtool accepts it', async () => {
    const opened = await post('/accounts', { ownerName: 'Metered', currency: 'EUR' }, { 'idempotency-key': `metrics-${randomUUID()}` });
    expect(opened.status).toBe(201);
    const accountId = opened.body['accountId'] as string;
    // The same key and body again: answered from the first answer.
    const key = `metrics-${randomUUID()}`;
    expect((await post(`/accounts/${accountId}/deposits`, { amount: 5, currency: 'EUR' }, { 'idempotency-key': key })).status).toBe(201);
    expect((await post(`/accounts/${accountId}/deposits`, { amount: 5, currency: 'EUR' }, { 'idempotency-key': key })).status).toBe(201);
    // A stale If-Match: 409.
    expect((await post(`/accounts/${accountId}/deposits`, { amount: 1, currency: 'EUR' }, { 'if-match': '0' })).status).toBe(409);
    // Beyond one request in flight for the stream: 503.
    const burst = await Promise.all(Array.from({ length: 12 }, () => post(`/accounts/${accountId}/deposits`, { amount: 1, currency: 'EUR' })));
    expect(burst.some((r) => r.status === 503)).toBe(true);
    // Without a token, beyond the anonymous limit: 429.
    const anonymous = [];
    for (let i = 0; i <= ANONYMOUS; i++) anonymous.push((await post('/accounts', { ownerName: 'Nobody', currency: 'EUR' }, {}, false)).status);
    expect(anonymous).toEqual([...Array<number>(ANONYMOUS).fill(401), 429]);

    const { status, contentType, text } = await scrapeMetrics(base);
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = metricFamilies(text);
    const expected = [
      'http_request_duration_seconds', 'http_admission_refused_total', 'http_rate_limited_total',
      'event_store_append_duration_seconds', 'event_store_group_commit_batch_size', 'command_stream_batch_size', 'command_concurrency_conflicts_total', 'command_idempotent_replays_total',
      'relay_unpublished_events', 'relay_oldest_unpublished_age_seconds', 'relay_produce_duration_seconds', 'relay_produce_retries_total', 'relay_events_total',
      'metrics_collect_failures_total', 'process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds',
    ];
    expect(expected.filter((name) => !families.has(name))).toEqual([]);
    expect(families.get('http_request_duration_seconds')).toBe('histogram');
    expect(families.get('relay_unpublished_events')).toBe('gauge');

    const app = { app: 'command-api' };
    // Routes by template, never by id.
    expect(sampleValue(text, 'http_request_duration_seconds_count', { ...app, method: 'POST', route: '/accounts/:id/deposits', status_class: '2xx' })).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain(accountId);
    expect(sampleValue(text, 'event_store_append_duration_seconds_count', { ...app, outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(sampleValue(text, 'event_store_group_commit_batch_size_count', app)).toBeGreaterThanOrEqual(2);
    expect(sampleValue(text, 'command_stream_batch_size_count', app)).toBeGreaterThanOrEqual(2);
    expect(sampleValue(text, 'command_concurrency_conflicts_total', { ...app, outcome: 'rejected' })).toBe(1);
    expect(sampleValue(text, 'command_idempotent_replays_total', app)).toBe(1);
    expect(sampleValue(text, 'http_admission_refused_total', { ...app, bound: 'stream' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(text, 'http_rate_limited_total', { ...app, limit: 'anonymous' })).toBe(1);
    // The relay is off here: what was appended waits, counted as rows after the checkpoint.
    expect(sampleValue(text, 'relay_unpublished_events', app)).toBeGreaterThanOrEqual(2);
    expect(sampleValue(text, 'relay_oldest_unpublished_age_seconds', app)).toBeGreaterThanOrEqual(0);

    expect(promtoolProblems(text)).toEqual([]);
  }, 60_000);

  it('answers /metrics without a token and without counting it against any limit', async () => {
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-limit-anonymous')).toBeNull();
  });
});
