import type { INestApplication } from '@nestjs/common';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { metricFamilies, promtoolProblems, sampleValue, scrapeMetrics } from '#infra/testing/metrics-scrape';
import { testConfig } from '#infra/testing/test-config';
import { bootstrap } from './main.js';

const waitFor = async (check: () => Promise<boolean>, ms: number, what: string): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

/** The projector's /metrics once its consumers run: lag per projection from Kafka, parked streams and sagas from PostgreSQL. */
describe('metrics of the projector (real PostgreSQL, Kafka)', () => {
  const projections = ['account-statement', 'payment-saga'] as const;
  let app: INestApplication;
  let pool: Pool;
  let base: string;

  beforeAll(async () => {
    pool = createPool(testConfig(), 2);
    await migrate(pool);
    app = await bootstrap(testConfig({ projectorPort: 0, projections: [...projections] }));
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app.close();
    await pool.end();
  });

  it('serves lag, apply, error, dead-letter, parked and saga families per projection; promtool accepts the text', async () => {
    await waitFor(async () => (await fetch(`${base}/health`)).status === 200, 60_000, 'the projector to become healthy');
    let text = '';
    await waitFor(
      async () => {
        text = (await scrapeMetrics(base)).text;
        return projections.every((projection) => sampleValue(text, 'projection_lag_events', { projection }) !== undefined);
      },
      30_000,
      'the lag of every projection',
    );
    const families = metricFamilies(text);
    const expected = [
      'projection_events_applied_total', 'projection_events_skipped_total', 'projection_events_dead_lettered_total', 'projection_events_parked_total',
      'projection_parked_streams', 'projection_lag_events', 'projection_lag_seconds', 'projection_apply_duration_seconds', 'projection_errors_total',
      'payment_sagas', 'payment_sagas_overdue', 'payment_saga_refunds_total', 'metrics_collect_failures_total',
    ];
    expect(expected.filter((name) => !families.has(name))).toEqual([]);
    const app = { app: 'projector' };
    expect(sampleValue(text, 'projection_parked_streams', { ...app, projection: 'account-statement' })).toBeGreaterThanOrEqual(0);
    expect(sampleValue(text, 'payment_sagas_overdue', app)).toBeGreaterThanOrEqual(0);
    expect(sampleValue(text, 'metrics_collect_failures_total', app)).toBeUndefined();
    expect(promtoolProblems(text)).toEqual([]);
  }, 120_000);
});
