import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { accountStreamId } from '#events';
import { PostgresEventStore } from '#infra/event-store/postgres/postgres-event-store';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { bootstrap } from '../main.js';
import { testConfig } from '#infra/testing/test-config';
import { bearer, subjectOf, type DevUser } from '../../../../test/support/tokens.js';

interface Reply {
  status: number;
  replayed: boolean;
  body: Record<string, unknown>;
}

describe('Idempotency-Key on command-api (real PostgreSQL)', () => {
  let app: INestApplication;
  let pool: Pool;
  let base: string;

  beforeAll(async () => {
    pool = createPool(testConfig(), 4);
    await migrate(pool);
    app = await bootstrap(testConfig({ commandApiPort: 0, relayEnabled: false }));
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app.close();
    await pool.end();
  });

  const send = async (path: string, body: unknown, key?: string, to = base, as: DevUser = 'alice'): Promise<Reply> => {
    const response = await fetch(`${to}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await bearer(as)), ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, replayed: response.headers.get('idempotent-replayed') === 'true', body: (await response.json()) as Record<string, unknown> };
  };
  const events = async (streamId: string): Promise<number> =>
    Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE stream_id = $1', [streamId])).rows[0]?.n);
  const openAccount = async (): Promise<string> => (await send('/accounts', { ownerName: 'Idem Potent', currency: 'EUR' })).body['accountId'] as string;

  it('a retry with the same key and body gets the first answer again, without executing again', async () => {
    const accountId = await openAccount();
    const key = randomUUID();
    const first = await send(`/accounts/${accountId}/deposits`, { amount: 500, currency: 'EUR' }, key);
    expect(first).toMatchObject({ status: 201, replayed: false });
    const again = await send(`/accounts/${accountId}/deposits`, { currency: 'EUR', amount: 500 }, key); // same body, keys reordered
    expect(again).toEqual({ ...first, replayed: true });
    expect(await events(accountStreamId(accountId))).toBe(2);
  });

  it('creating with a key: the retry answers with the same new id and creates nothing more', async () => {
    const key = randomUUID();
    const first = await send('/accounts', { ownerName: 'Once Only', currency: 'EUR' }, key);
    const again = await send('/accounts', { ownerName: 'Once Only', currency: 'EUR' }, key);
    expect(first.status).toBe(201);
    expect(again).toEqual({ ...first, replayed: true });
    expect(await events(accountStreamId(first.body['accountId'] as string))).toBe(1);
  });

  it('keys are scoped per caller: the same key from another caller is another key, and creates its own account', async () => {
    const key = randomUUID();
    const alices = await send('/accounts', { ownerName: 'Same Key', currency: 'EUR' }, key, base, 'alice');
    const bobs = await send('/accounts', { ownerName: 'Same Key', currency: 'EUR' }, key, base, 'bob');
    expect([alices.status, bobs.status, bobs.replayed]).toEqual([201, 201, false]);
    expect(bobs.body['accountId']).not.toBe(alices.body['accountId']);
    // And bob's key does not block or answer alice's retry.
    expect(await send('/accounts', { ownerName: 'Same Key', currency: 'EUR' }, key, base, 'alice')).toEqual({ ...alices, replayed: true });
  });

  it('the same key with another body, or on another route, is a 422 and changes nothing', async () => {
    const accountId = await openAccount();
    const key = randomUUID();
    await send(`/accounts/${accountId}/deposits`, { amount: 100, currency: 'EUR' }, key);
    const otherBody = await send(`/accounts/${accountId}/deposits`, { amount: 101, currency: 'EUR' }, key);
    expect(otherBody).toMatchObject({ status: 422, body: { error: 'idempotency_key_reused' } });
    const otherRoute = await send(`/accounts/${accountId}/withdrawals`, { amount: 100, currency: 'EUR' }, key);
    expect(otherRoute).toMatchObject({ status: 422, body: { error: 'idempotency_key_reused' } });
    expect(await events(accountStreamId(accountId))).toBe(2);
  });

  it('concurrent duplicates execute once and all get the same answer', async () => {
    const accountId = await openAccount();
    const key = randomUUID();
    const replies = await Promise.all(Array.from({ length: 16 }, () => send(`/accounts/${accountId}/deposits`, { amount: 7, currency: 'EUR' }, key)));
    expect(replies.every((r) => r.status === 201)).toBe(true);
    expect(new Set(replies.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(replies.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await events(accountStreamId(accountId))).toBe(2);
  });

  it('a refused command is answered the same way on retry (422 kept); a validation error too', async () => {
    const accountId = await openAccount();
    const key = randomUUID();
    const refused = await send(`/accounts/${accountId}/withdrawals`, { amount: 999, currency: 'EUR' }, key);
    expect(refused).toMatchObject({ status: 422, body: { code: 'insufficient_funds' } });
    await send(`/accounts/${accountId}/deposits`, { amount: 5000, currency: 'EUR' }); // now it would succeed...
    const retry = await send(`/accounts/${accountId}/withdrawals`, { amount: 999, currency: 'EUR' }, key);
    expect(retry).toEqual({ ...refused, replayed: true }); // ...but the key's answer stands
    const badKey = randomUUID();
    const invalid = await send(`/accounts/${accountId}/deposits`, { amount: -1, currency: 'EUR' }, badKey);
    expect(invalid.status).toBe(400);
    expect((await send(`/accounts/${accountId}/deposits`, { amount: -1, currency: 'EUR' }, badKey)).replayed).toBe(true);
  });

  it('a stale If-Match (409) is not kept: the retry executes', async () => {
    const accountId = await openAccount();
    const key = randomUUID();
    const conflict = await fetch(`${base}/accounts/${accountId}/deposits`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...(await bearer('alice')), 'idempotency-key': key, 'if-match': '7' }, body: JSON.stringify({ amount: 1, currency: 'EUR' }),
    });
    expect(conflict.status).toBe(409);
    expect((await send(`/accounts/${accountId}/deposits`, { amount: 1, currency: 'EUR' }, key)).status).toBe(201);
  });

  it('an attempt that stopped after appending (a crash) is not executed twice when retried', async () => {
    const accountId = await openAccount();
    const key = randomUUID();
    // What a crash leaves: the event appended under the key, the key still pending, its lease over.
    const store = new PostgresEventStore(pool);
    const appended = await store.append(accountStreamId(accountId), [{
      eventId: randomUUID(), type: 'MoneyDeposited', schemaVersion: 1, occurredAt: new Date().toISOString(),
      metadata: { correlationId: randomUUID(), causationId: null, idempotencyKey: key, actor: { subject: await subjectOf('alice'), client: 'ledger-cli' } },
      data: { accountId, amount: 300, currency: 'EUR', description: null, depositedAt: new Date().toISOString() },
    }], 0);
    const { requestHash, scopedKey } = await import('./idempotency.interceptor.js');
    await pool.query(
      `INSERT INTO idempotency_keys (key, request_hash, state, locked_until, expires_at) VALUES ($1, $2, 'pending', now() - interval '1 second', now() + interval '1 hour')`,
      [scopedKey(await subjectOf('alice'), key), requestHash('POST', `/accounts/${accountId}/deposits`, { amount: 300, currency: 'EUR' })],
    );
    const retry = await send(`/accounts/${accountId}/deposits`, { amount: 300, currency: 'EUR' }, key);
    expect(retry).toMatchObject({ status: 201, body: { streamId: accountStreamId(accountId), revision: 1, position: appended.globalPosition } });
    expect(await events(accountStreamId(accountId))).toBe(2);
  });

  it('keys expire: after IDEMPOTENCY_TTL_MS the same key executes as new', async () => {
    // Another command-api whose keys live 300 ms, on the same database.
    const shortLived = await bootstrap(testConfig({ commandApiPort: 0, relayEnabled: false, idempotencyTtlMs: 300 }));
    const shortBase = `http://127.0.0.1:${(shortLived.getHttpServer().address() as { port: number }).port}`;
    const sendShort = (path: string, body: unknown, key: string) => send(path, body, key, shortBase);
    try {
      const accountId = await openAccount();
      const key = randomUUID();
      await sendShort(`/accounts/${accountId}/deposits`, { amount: 10, currency: 'EUR' }, key);
      await new Promise((resolve) => setTimeout(resolve, 400)); // let the key outlive its lifetime
      const later = await sendShort(`/accounts/${accountId}/deposits`, { amount: 10, currency: 'EUR' }, key);
      expect(later).toMatchObject({ status: 201, replayed: false, body: { revision: 2 } });
      expect(await events(accountStreamId(accountId))).toBe(3);
    } finally {
      await shortLived.close();
    }
  });

  it('a malformed key is a 400 and executes nothing', async () => {
    const accountId = await openAccount();
    const reply = await send(`/accounts/${accountId}/deposits`, { amount: 10, currency: 'EUR' }, 'x'.repeat(256));
    expect(reply).toMatchObject({ status: 400, body: { error: 'invalid_header' } });
    expect(await events(accountStreamId(accountId))).toBe(1);
  });
});
