import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { createPool, type Pool } from '#infra/postgres/pool';
import { migrate } from '#infra/postgres/migrate';
import { orderStreamId, upcastEnvelope, type EventEnvelope, type KnownEvent } from '#events';
import { PostgresEventStore } from '#infra/event-store/postgres/postgres-event-store';
import { WritePath } from '#infra/nest/write-path';
import { PaymentSagaRepository } from '../../projector/src/saga/payment-saga.repository.js';
import { PaymentSagaRunner } from '../../projector/src/saga/payment-saga.runner.js';
import { bootstrap } from './main.js';
import { testConfig } from '#infra/testing/test-config';
import { ServiceIdentity } from '#infra/auth/service-identity';
import { decodeJwt } from 'jose';
import { accessToken, bearer, type DevUser } from '../../../test/support/tokens.js';

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

describe('command-api over HTTP (real PostgreSQL)', () => {
  let app: INestApplication;
  let pool: Pool;
  let base: string;

  beforeAll(async () => {
    pool = createPool(testConfig(), 4);
    await migrate(pool);
    app = await bootstrap(testConfig({ commandApiPort: 0, relayEnabled: false }));
    const address = app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await app.close();
    await pool.end();
  });

  /** POSTs as a user of the development realm (alice, a customer, unless told). */
  const send = async (path: string, body?: unknown, headers: Record<string, string> = {}, raw?: string, as: DevUser = 'alice'): Promise<Reply> => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await bearer(as)), ...headers },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const eventCount = async (): Promise<number> => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]?.n);
  const openAccount = async (currency = 'EUR', deposit = 0): Promise<string> => {
    const opened = await send('/accounts', { ownerName: 'Test Owner', currency });
    const id = opened.body['accountId'] as string;
    if (deposit) await send(`/accounts/${id}/deposits`, { amount: deposit, currency });
    return id;
  };
  const createOrder = async (accountId: string): Promise<string> => {
    const created = await send('/orders', { accountId, currency: 'EUR', items: [{ sku: 'S', name: 'N', quantity: 1, unitPrice: 10 }] });
    return created.body['orderId'] as string;
  };
  /** Sends a bad request and checks its status, the field or code it names, and that nothing was appended. */
  const expectRejected = async (request: () => Promise<Reply>, status: number, names: string): Promise<void> => {
    const before = await eventCount();
    const reply = await request();
    expect({ status: reply.status, names: JSON.stringify(reply.body).includes(names) }).toEqual({ status, names: true });
    expect(await eventCount()).toBe(before);
  };

  /** Pays an order the way the payment saga does (it runs in the projector, not here). */
  const pay = async (orderId: string): Promise<void> => {
    const store = new PostgresEventStore(pool);
    const [created] = await store.readStream(orderStreamId(orderId));
    const config = testConfig();
    const identity = new ServiceIdentity(config.oidc, config.paymentService, 'payment-service');
    await new PaymentSagaRunner(new PaymentSagaRepository(pool), new WritePath(store, {}), store, 60_000, identity).handle(upcastEnvelope(created!) as EventEnvelope<KnownEvent>);
  };
  const item = { sku: 'BK-1', name: 'Book', quantity: 1, unitPrice: 100 };
  const order = (accountId: string, overrides: Record<string, unknown> = {}) => ({ accountId, currency: 'EUR', items: [item], ...overrides });
  /** Shipping is an operator's command. */
  const ship = (orderId: string, body?: unknown, raw?: string): Promise<Reply> => send(`/orders/${orderId}/ship`, body, {}, raw, 'oscar');

  it('accepts each command and answers 201 with streamId, revision and position', async () => {
    const opened = await send('/accounts', { ownerName: 'Ada', currency: 'EUR' });
    expect(opened.status).toBe(201);
    const accountId = opened.body['accountId'] as string;
    expect(opened.body).toMatchObject({ streamId: `account-${accountId}`, revision: 0 });
    expect(typeof opened.body['position']).toBe('string');
    expect((await send(`/accounts/${accountId}/deposits`, { amount: 1000, currency: 'EUR', description: 'pay' })).body).toMatchObject({ revision: 1 });
    expect((await send(`/accounts/${accountId}/withdrawals`, { amount: 400, currency: 'EUR' }, { 'If-Match': '1' })).body).toMatchObject({ revision: 2 });
    const orderId = await createOrder(accountId);
    await pay(orderId);
    expect((await ship(orderId)).status).toBe(201);
    const other = await createOrder(accountId);
    expect((await send(`/orders/${other}/cancel`, { reason: 'duplicate' })).body).toMatchObject({ streamId: `order-${other}`, revision: 1 });
  });

  it("records on each stored event who appended it: the token's subject (sub) and client (azp)", async () => {
    const callerOf = async (user: DevUser): Promise<{ subject: string; client: unknown }> => {
      const claims = decodeJwt(await accessToken(user));
      return { subject: claims.sub!, client: claims['azp'] };
    };
    const id = await openAccount('EUR', 100);
    // An operator may deposit into anyone's account: a second caller on the same stream.
    expect((await send(`/accounts/${id}/deposits`, { amount: 5, currency: 'EUR' }, {}, undefined, 'oscar')).status).toBe(201);
    const { rows } = await pool.query<{ type: string; actor: unknown }>(
      "SELECT type, metadata->'actor' AS actor FROM events WHERE stream_id = $1 ORDER BY stream_revision",
      [`account-${id}`],
    );
    const [alice, oscar] = [await callerOf('alice'), await callerOf('oscar')];
    expect(alice.subject).not.toBe(oscar.subject);
    expect(typeof alice.client).toBe('string');
    expect(rows).toEqual([
      { type: 'AccountOpened', actor: alice },
      { type: 'MoneyDeposited', actor: alice },
      { type: 'MoneyDeposited', actor: oscar },
    ]);
  });

  describe('POST /accounts', () => {
    it.each([
      ['a missing owner name', { currency: 'EUR' }, 'ownerName'],
      ['a lower-case currency', { ownerName: 'A', currency: 'eur' }, 'currency'],
      ['a numeric owner name', { ownerName: 42, currency: 'EUR' }, 'ownerName'],
      ['an unknown field', { ownerName: 'A', currency: 'EUR', admin: true }, 'admin'],
      ['a blank owner name', { ownerName: '   ', currency: 'EUR' }, '"field":"ownerName"'],
    ])('refuses %s with 400', (_case, body, names) => expectRejected(() => send('/accounts', body), 400, names));

    it('refuses malformed JSON (400 malformed_json), a non-JSON body (415) and a body over 64 kB (413 payload_too_large)', async () => {
      await expectRejected(() => send('/accounts', undefined, {}, '{"ownerName": "A",'), 400, '"error":"malformed_json"');
      await expectRejected(() => send('/accounts', undefined, {}, '"just a string"'), 400, '"error":"malformed_json"');
      await expectRejected(() => send('/accounts', undefined, { 'content-type': 'text/plain' }, 'ownerName=A'), 415, 'application/json');
      await expectRejected(() => send('/accounts', { ownerName: 'x'.repeat(70_000), currency: 'EUR' }), 413, '"error":"payload_too_large","message":"The body is larger than 64 kB"');
    });
  });

  describe.each(['deposits', 'withdrawals'])('POST /accounts/:id/%s', (route) => {
    it.each([
      ['a zero amount', { amount: 0, currency: 'EUR' }, 'amount'],
      ['a negative amount', { amount: -5, currency: 'EUR' }, 'amount'],
      ['a fractional amount', { amount: 1.5, currency: 'EUR' }, 'amount'],
      ['an amount sent as a string', { amount: '100', currency: 'EUR' }, 'amount'],
      ['an amount beyond 2^53', { amount: 2 ** 53 + 2, currency: 'EUR' }, 'amount'],
      ['a missing currency', { amount: 100 }, 'currency'],
      ['an unknown field', { amount: 100, currency: 'EUR', fee: 1 }, 'fee'],
    ])('refuses %s with 400', async (_case, body, names) => {
      const id = await openAccount('EUR', 5000);
      await expectRejected(() => send(`/accounts/${id}/${route}`, body), 400, names);
    });

    it('refuses an id that is not a UUID (400), an unknown account (404), another currency (422), a stale or malformed If-Match (409, 400)', async () => {
      const id = await openAccount('EUR', 5000);
      await expectRejected(() => send(`/accounts/nope/${route}`, { amount: 1, currency: 'EUR' }), 400, '"id"');
      await expectRejected(() => send(`/accounts/${randomUUID()}/${route}`, { amount: 1, currency: 'EUR' }), 404, 'not_found');
      await expectRejected(() => send(`/accounts/${id}/${route}`, { amount: 1, currency: 'USD' }), 422, 'currency_mismatch');
      await expectRejected(() => send(`/accounts/${id}/${route}`, { amount: 1, currency: 'EUR' }, { 'If-Match': '0' }), 409, '"currentRevision":1');
      await expectRejected(() => send(`/accounts/${id}/${route}`, { amount: 1, currency: 'EUR' }, { 'If-Match': 'latest' }), 400, 'If-Match');
    });
  });

  it('refuses an overdraft with 422 insufficient_funds', async () => {
    const id = await openAccount('EUR', 500);
    await expectRejected(() => send(`/accounts/${id}/withdrawals`, { amount: 501, currency: 'EUR' }), 422, 'insufficient_funds');
  });

  it('lets only one of two racing withdrawals of the whole balance through', async () => {
    const id = await openAccount('EUR', 500);
    const replies = await Promise.all([1, 2].map(() => send(`/accounts/${id}/withdrawals`, { amount: 500, currency: 'EUR' })));
    // The loser (no If-Match) is decided again on the new balance: a rule, not a conflict.
    expect(replies.map((r) => r.status).sort()).toEqual([201, 422]);
    const { rows } = await pool.query('SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_revision', [`account-${id}`]);
    expect(rows.map((r) => r.type)).toEqual(['AccountOpened', 'MoneyDeposited', 'MoneyWithdrawn']);
  });

  it('racing deposits without If-Match all go through (each is decided again after losing a race)', async () => {
    const id = await openAccount('EUR', 0);
    const replies = await Promise.all(Array.from({ length: 8 }, () => send(`/accounts/${id}/deposits`, { amount: 10, currency: 'EUR' })));
    expect(replies.map((r) => r.status)).toEqual(Array.from({ length: 8 }, () => 201));
    expect(replies.map((r) => r.body['revision']).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  describe('POST /orders', () => {
    let own: string;
    beforeAll(async () => {
      own = await openAccount();
    });
    it.each([
      ['no items', { items: [] }, 'items'],
      ['101 items', { items: Array.from({ length: 101 }, () => item) }, 'items'],
      ['a zero quantity', { items: [{ ...item, quantity: 0 }] }, 'items.0.quantity'],
      ['a negative unit price', { items: [{ ...item, unitPrice: -1 }] }, 'items.0.unitPrice'],
      ['a fractional unit price', { items: [{ ...item, unitPrice: 9.99 }] }, 'items.0.unitPrice'],
      ['an item without a sku', { items: [{ name: 'N', quantity: 1, unitPrice: 1 }] }, 'items.0.sku'],
      ['an unknown item field', { items: [{ ...item, colour: 'red' }] }, 'items.0.colour'],
      ['an account id that is not a UUID', { accountId: 'acc-1' }, 'accountId'],
      ['a currency that is not ISO-4217', { currency: 'Euro' }, 'currency'],
      ['an order that costs nothing', { items: [{ ...item, unitPrice: 0 }] }, 'zero_total'],
    ])('refuses %s with 400', (_case, overrides, names) => expectRejected(() => send('/orders', order(own, overrides)), 400, names));

    it("takes the customer from the token: another customerId is refused (403), the caller's own is accepted", async () => {
      await expectRejected(() => send('/orders', order(own, { customerId: 'someone-else' })), 403, 'customer_mismatch');
      const subject = (await send('/orders', order(own))).body;
      expect(subject['orderId']).toBeDefined();
    });

    it("refuses an account that is not the caller's, or none, the same way (422 unknown_account)", async () => {
      await expectRejected(() => send('/orders', order(own), {}, undefined, 'bob'), 422, 'unknown_account');
      await expectRejected(() => send('/orders', order(randomUUID())), 422, 'unknown_account');
    });

    it('accepts exactly 100 items', async () => {
      const reply = await send('/orders', order(own, { items: Array.from({ length: 100 }, () => item) }));
      expect(reply.status).toBe(201);
    });
  });

  describe('POST /orders/:id/cancel and /ship', () => {
    it('refuses unknown orders (404), bad ids and bodies (400), and broken rules (422)', async () => {
      const accountId = await openAccount('EUR', 10_000);
      const unpaid = await createOrder(accountId);
      const shipped = await createOrder(accountId);
      await pay(shipped);
      await ship(shipped);
      const cancelled = await createOrder(accountId);
      await send(`/orders/${cancelled}/cancel`, { reason: 'x' });

      await expectRejected(() => send(`/orders/${randomUUID()}/cancel`, { reason: 'x' }), 404, 'not_found');
      await expectRejected(() => ship(randomUUID()), 404, 'not_found');
      await expectRejected(() => ship('123'), 400, '"id"');
      await expectRejected(() => send(`/orders/${shipped}/cancel`, {}), 400, 'reason');
      await expectRejected(() => ship(shipped, { express: true }), 400, 'express');
      await expectRejected(() => send(`/orders/${shipped}/cancel`, { reason: 'late' }), 422, 'order_already_shipped');
      await expectRejected(() => ship(cancelled), 422, 'order_cancelled');
      await expectRejected(() => ship(unpaid), 422, 'order_not_paid');
      await expectRejected(() => send(`/orders/${cancelled}/cancel`, { reason: 'again' }), 422, 'order_already_cancelled');
    });
  });

  describe('bad input', () => {
    let accountId: string;
    let orderId: string;
    beforeAll(async () => {
      accountId = await openAccount('EUR', 1000);
      orderId = await createOrder(accountId);
    });
    const named = (field: string): string => `"error":"validation_failed","message":"Invalid request: ${field}"`;
    const deposit = (body: unknown) => () => send(`/accounts/${accountId}/deposits`, body);
    const cancel = (body: unknown) => () => send(`/orders/${orderId}/cancel`, body);
    const create = (overrides: Record<string, unknown>) => () => send('/orders', order(accountId, overrides));

    it.each([
      ['ownerName', () => send('/accounts', { ownerName: 'Ada\u0000', currency: 'EUR' })],
      ['description', deposit({ amount: 1, currency: 'EUR', description: 'pay\u0000day' })],
      ['customerId', create({ customerId: '\u0000' })],
      ['items.0.sku', create({ items: [{ ...item, sku: 'BK\u00001' }] })],
      ['items.0.name', create({ items: [{ ...item, name: 'Book\u0000' }] })],
      ['reason', cancel({ reason: 'x\u0000' })],
      ['ownerName', () => send('/accounts', { ownerName: 'Ada\u0007', currency: 'EUR' })],
      ['description', deposit({ amount: 1, currency: 'EUR', description: 'esc \u001b[31m' })],
      ['reason', cancel({ reason: 'del\u007f' })],
    ])('refuses a control character in %s with 400 naming it', (field, request) => expectRejected(request, 400, named(field)));

    it('accepts tabs and line breaks in free text', async () => {
      expect((await deposit({ amount: 1, currency: 'EUR', description: 'line 1\r\nline 2\tend' })()).status).toBe(201);
    });

    it.each([
      ['customerId', create({ customerId: ' ' })],
      ['items.0.sku', create({ items: [{ ...item, sku: ' ' }] })],
      ['items.0.name', create({ items: [{ ...item, name: '\t \n' }] })],
      ['reason', cancel({ reason: ' ' })],
    ])('refuses a blank %s with 400 naming it', (field, request) => expectRejected(request, 400, named(field)));

    it.each([
      ['__proto__', '{"ownerName":"A","currency":"EUR","__proto__":{"admin":true}}'],
      ['constructor', '{"ownerName":"A","currency":"EUR","constructor":{"prototype":{"admin":true}}}'],
    ])('refuses an unknown field named %s like any other', (field, raw) => expectRejected(() => send('/accounts', undefined, {}, raw), 400, named(field)));

    it('refuses __proto__ and constructor in nested objects too', async () => {
      const raw = JSON.stringify(order(accountId)).replace('"sku"', '"__proto__":{"x":1},"sku"');
      await expectRejected(() => send('/orders', undefined, {}, raw), 400, named('items.0.__proto__'));
      await expectRejected(() => ship(orderId, undefined, '{"constructor":1}'), 400, named('constructor'));
    });

    const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    it.each([
      ['a field', '/accounts', `{"ownerName":${nested(20_000)},"currency":"EUR"}`, {}],
      ['a field, with an Idempotency-Key', '/accounts', `{"ownerName":${nested(20_000)},"currency":"EUR"}`, { 'Idempotency-Key': randomUUID() }],
      ['the body itself', '/orders', nested(20_000), {}],
    ])('refuses 20,000 nested arrays in %s with 400, without overflowing the stack', async (_case, path, raw, headers) => {
      expect(raw.length).toBeLessThan(65_536);
      await expectRejected(() => send(path, undefined, headers, raw), 400, '"error":"validation_failed"');
    });

    it('accepts nesting as deep as the DTOs need', async () => {
      expect((await create({})()).status).toBe(201);
    });
  });

  it('answers 404 for unknown routes', async () => {
    expect((await send('/refunds', {})).status).toBe(404);
  });
});
