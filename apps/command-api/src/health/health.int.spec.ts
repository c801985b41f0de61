import type { INestApplication } from '@nestjs/common';
import type { Config } from '#infra/config/config';
import { migrate } from '#infra/postgres/migrate';
import { createPool } from '#infra/postgres/pool';
import { waitFor } from '#infra/testing/kafka-probe';
import { testConfig } from '#infra/testing/test-config';
import { bearer } from '../../../../test/support/tokens.js';
import { bootstrap } from '../main.js';

interface Health {
  status: number;
  body: { status?: string; relay?: { state: string; enabled: boolean; lag: { unpublished: number } | null; lastError: unknown } };
}

describe('command-api /health reports its relay (real PostgreSQL and Kafka)', () => {
  let app: INestApplication | null = null;
  let base = '';

  beforeAll(async () => {
    const pool = createPool(testConfig(), 1);
    await migrate(pool);
    await pool.end();
  });
  afterEach(async () => {
    await app?.close();
    app = null;
  });

  const start = async (config: Partial<Config>): Promise<void> => {
    app = await bootstrap(testConfig({ commandApiPort: 0, ...config }));
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  };
  const health = async (): Promise<Health> => {
    const response = await fetch(`${base}/health`);
    return { status: response.status, body: (await response.json()) as Health['body'] };
  };
  const openAccount = async (): Promise<void> => {
    const response = await fetch(`${base}/accounts`, { method: 'POST', headers: { 'content-type': 'application/json', ...(await bearer('alice')) }, body: JSON.stringify({ ownerName: 'Health', currency: 'EUR' }) });
    expect(response.status).toBe(201);
  };

  it('is ready when the relay publishes, and shows its state and lag', async () => {
    await start({ relayEnabled: true });
    await openAccount();
    let last: Health | null = null;
    await waitFor(async () => {
      last = await health();
      return last.status === 200 && last.body.relay?.state === 'active' && last.body.relay.lag?.unpublished === 0;
    }, 30_000, 'an active relay with nothing unpublished');
    expect(last).toMatchObject({ status: 200, body: { status: 'ok', relay: { enabled: true, state: 'active', lastError: null } } });
  }, 60_000);

  it('is not ready (503) when its relay has not published for the bound although events wait', async () => {
    await start({ relayEnabled: true, kafkaBrokers: ['127.0.0.1:1'], relayStallTimeoutMs: 500 });
    await openAccount();
    let last: Health | null = null;
    await waitFor(async () => {
      last = await health();
      return last.status === 503 && last.body.relay?.state === 'retrying';
    }, 45_000, '/health to answer 503 with the relay retrying');
    expect(last).toMatchObject({ status: 503, body: { status: 'unavailable', relay: { state: 'retrying', lastError: { message: expect.any(String) } } } });
    expect(last!.body.relay?.lag?.unpublished).toBeGreaterThan(0);
  }, 60_000);

  it('stays ready with the relay disabled, and still reports it and the lag', async () => {
    await start({ relayEnabled: false, relayStallTimeoutMs: 1 });
    await openAccount();
    const answer = await health();
    expect(answer).toMatchObject({ status: 200, body: { status: 'ok', relay: { enabled: false, state: 'stopped' } } });
    expect(answer.body.relay?.lag?.unpublished).toBeGreaterThan(0);
  }, 30_000);
});
