import { randomUUID } from 'node:crypto';
import { accountStreamId, CURRENT_SCHEMA_VERSION, orderStreamId, upcastEnvelope, type EventEnvelope, type KnownEvent, type KnownEventType, type NewEvent } from '#events';
import { ServiceIdentity } from '#infra/auth/service-identity';
import { PostgresEventStore } from '#infra/event-store/postgres/postgres-event-store';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { WritePath } from '#infra/nest/write-path';
import { PaymentSagaRepository } from './payment-saga.repository.js';
import { PaymentSagaRunner } from './payment-saga.runner.js';
import { testConfig } from '#infra/testing/test-config';

const meta = { correlationId: randomUUID(), causationId: null };
const event = (type: KnownEventType, data: object, occurredAt = new Date().toISOString()): NewEvent =>
  ({ eventId: randomUUID(), type, schemaVersion: CURRENT_SCHEMA_VERSION[type], occurredAt, data, metadata: meta });
/** The customer the orders are placed for, who owns the accounts they are paid from. */
const CUSTOMER = 'c-saga';

describe('payment saga against the real event store', () => {
  let pool: Pool;
  let store: PostgresEventStore;
  let saga: PaymentSagaRunner;
  // The payment service's identity from the local Keycloak (client credentials), as the projector gets it.
  const config = testConfig();
  const identity = new ServiceIdentity(config.oidc, config.paymentService, 'payment-service');

  beforeAll(async () => {
    pool = createPool(config, 6);
    await migrate(pool);
    store = new PostgresEventStore(pool);
    saga = new PaymentSagaRunner(new PaymentSagaRepository(pool), new WritePath(store, {}), store, 60_000, identity);
  });
  afterAll(async () => {
    await pool.end();
  });

  const openAccount = async (balance: number, ownerId = CUSTOMER): Promise<string> => {
    const accountId = randomUUID();
    await store.append(accountStreamId(accountId), [event('AccountOpened', { accountId, ownerName: 'Saga', currency: 'EUR', openedAt: new Date().toISOString(), ownerId })], 'no_stream');
    if (balance) await store.append(accountStreamId(accountId), [event('MoneyDeposited', { accountId, amount: balance, currency: 'EUR', description: null, depositedAt: new Date().toISOString() })], 0);
    return accountId;
  };
  /** Appends OrderCreated and returns it as the saga receives it. */
  const createOrder = async (accountId: string, total: number, createdAt = new Date().toISOString()): Promise<{ orderId: string; created: EventEnvelope<KnownEvent> }> => {
    const orderId = randomUUID();
    await store.append(orderStreamId(orderId), [event('OrderCreated', {
      orderId, customerId: CUSTOMER, accountId, currency: 'EUR', items: [{ sku: 'S', name: 'Thing', quantity: 1, unitPrice: total }], total, createdAt,
    }, createdAt)], 'no_stream');
    return { orderId, created: await last(orderStreamId(orderId)) };
  };
  const last = async (streamId: string): Promise<EventEnvelope<KnownEvent>> => upcastEnvelope((await store.readStream(streamId)).at(-1)!) as EventEnvelope<KnownEvent>;
  const types = async (streamId: string): Promise<string[]> => (await store.readStream(streamId)).map((e) => e.type);
  const balance = async (accountId: string): Promise<number> =>
    (await store.readStream(accountStreamId(accountId))).reduce((sum, e) => {
      const amount = (e.data as { amount?: number }).amount ?? 0;
      return e.type === 'MoneyDeposited' ? sum + amount : e.type === 'MoneyWithdrawn' ? sum - amount : sum;
    }, 0);
  const state = async (orderId: string): Promise<{ state: string; reason: string | null } | undefined> =>
    (await pool.query<{ state: string; reason: string | null }>('SELECT state, reason FROM payment_sagas WHERE order_id = $1', [orderId])).rows[0];

  it("refuses to pay from an account the order's customer does not own: the order is cancelled, no money moves", async () => {
    const accountId = await openAccount(10_000, 'someone-else');
    const { orderId, created } = await createOrder(accountId, 3_000);
    await saga.handle(created);
    expect(await types(orderStreamId(orderId))).toEqual(['OrderCreated', 'OrderCancelled']);
    expect((await last(orderStreamId(orderId))).data).toMatchObject({ reason: 'payment failed: not_account_owner' });
    expect(await balance(accountId)).toBe(10_000);
    expect(await state(orderId)).toEqual({ state: 'payment_failed', reason: 'not_account_owner' });
  });

  it("records the payment service (Keycloak's service account) as the actor of the saga's events", async () => {
    const accountId = await openAccount(10_000);
    const { orderId, created } = await createOrder(accountId, 1_000);
    await saga.handle(created);
    const { subject, client } = await identity.principal();
    expect(client).toBe('payment-service');
    const paid = await last(orderStreamId(orderId));
    expect(paid.metadata.actor).toEqual({ subject, client: 'payment-service' });
  });

  it('pays an order: withdraws its total from its account, referencing it, and marks it paid; a redelivery does nothing more', async () => {
    const accountId = await openAccount(10_000);
    const { orderId, created } = await createOrder(accountId, 3_000);
    await saga.handle(created);
    await saga.handle(created);
    expect(await types(orderStreamId(orderId))).toEqual(['OrderCreated', 'OrderPaid']);
    const account = await store.readStream(accountStreamId(accountId));
    expect(account.filter((e) => e.type === 'MoneyWithdrawn').map((e) => e.data)).toEqual([expect.objectContaining({ amount: 3_000, orderId })]);
    expect(await balance(accountId)).toBe(7_000);
    expect(await state(orderId)).toMatchObject({ state: 'paid' });
  });

  it('insufficient funds: the order is cancelled with the reason and the balance is untouched', async () => {
    const accountId = await openAccount(1_000);
    const { orderId, created } = await createOrder(accountId, 3_000);
    await saga.handle(created);
    expect(await types(orderStreamId(orderId))).toEqual(['OrderCreated', 'OrderCancelled']);
    expect((await last(orderStreamId(orderId))).data).toMatchObject({ reason: 'payment failed: insufficient_funds' });
    expect(await types(accountStreamId(accountId))).toEqual(['AccountOpened', 'MoneyDeposited']);
    expect(await state(orderId)).toEqual({ state: 'payment_failed', reason: 'insufficient_funds' });
  });

  it('a missing account: the order is cancelled, nothing withdrawn', async () => {
    const { orderId, created } = await createOrder(randomUUID(), 500);
    await saga.handle(created);
    expect((await last(orderStreamId(orderId))).data).toMatchObject({ reason: 'payment failed: not_found' });
  });

  it('cancelled after payment: the payment is refunded exactly once, however often the cancellation arrives', async () => {
    const accountId = await openAccount(5_000);
    const { orderId, created } = await createOrder(accountId, 2_000);
    await saga.handle(created);
    await store.append(orderStreamId(orderId), [event('OrderCancelled', { orderId, reason: 'changed my mind', cancelledAt: new Date().toISOString() })], 1);
    const cancelled = await last(orderStreamId(orderId));
    await Promise.all([saga.handle(cancelled), saga.handle(cancelled)]);
    await saga.handle(cancelled);
    const refunds = (await store.readStream(accountStreamId(accountId))).filter((e) => (e.data as { refundOf?: string }).refundOf === orderId);
    expect(refunds).toHaveLength(1);
    expect(await balance(accountId)).toBe(5_000);
    expect(await types(orderStreamId(orderId))).toEqual(['OrderCreated', 'OrderPaid', 'OrderCancelled', 'OrderRefunded']);
    expect(await state(orderId)).toMatchObject({ state: 'refunded' });
  });

  it('an order the saga hears of late is still paid: a lag in the pipeline does not cancel it', async () => {
    const accountId = await openAccount(5_000);
    const { orderId, created } = await createOrder(accountId, 100, new Date(Date.now() - 120_000).toISOString());
    await saga.handle(created);
    expect(await types(orderStreamId(orderId))).toEqual(['OrderCreated', 'OrderPaid']);
    expect(await balance(accountId)).toBe(4_900);
  });

  it('an order redelivered after its payment deadline is cancelled without taking money', async () => {
    const accountId = await openAccount(5_000);
    const { orderId, created } = await createOrder(accountId, 100);
    await pool.query(`INSERT INTO payment_sagas (order_id, account_id, amount, currency, state, deadline) VALUES ($1, $2, 100, 'EUR', 'awaiting_payment', now() - interval '1 minute')`, [orderId, accountId]);
    await saga.handle(created);
    expect((await last(orderStreamId(orderId))).data).toMatchObject({ reason: 'payment timed out' });
    expect(await balance(accountId)).toBe(5_000);
    expect(await state(orderId)).toMatchObject({ state: 'timed_out' });
  });

  it('the sweep cancels overdue payments, and gives back one that went through before a crash', async () => {
    const quick = new PaymentSagaRunner(new PaymentSagaRepository(pool), new WritePath(store, {}), store, 60_000, identity, () => new Date(Date.now() + 3_600_000)); // an hour later
    // Overdue, nothing paid.
    const poor = await openAccount(0);
    const unpaid = await createOrder(poor, 700);
    await pool.query(`INSERT INTO payment_sagas (order_id, account_id, amount, currency, state, deadline) VALUES ($1, $2, 700, 'EUR', 'awaiting_payment', now())`, [unpaid.orderId, poor]);
    // Overdue, but the withdrawal happened before the saga's process died (OrderPaid never written).
    const rich = await openAccount(5_000);
    const halfPaid = await createOrder(rich, 900);
    await store.append(accountStreamId(rich), [event('MoneyWithdrawn', { accountId: rich, amount: 900, currency: 'EUR', description: null, withdrawnAt: new Date().toISOString(), orderId: halfPaid.orderId })], 1);
    await pool.query(`INSERT INTO payment_sagas (order_id, account_id, amount, currency, state, deadline) VALUES ($1, $2, 900, 'EUR', 'awaiting_payment', now())`, [halfPaid.orderId, rich]);

    expect(await quick.cancelOverdue()).toBeGreaterThanOrEqual(2);
    expect(await types(orderStreamId(unpaid.orderId))).toEqual(['OrderCreated', 'OrderCancelled']);
    expect(await state(unpaid.orderId)).toMatchObject({ state: 'timed_out' });
    expect(await types(orderStreamId(halfPaid.orderId))).toEqual(['OrderCreated', 'OrderCancelled', 'OrderRefunded']);
    expect(await balance(rich)).toBe(5_000);
    expect(await state(halfPaid.orderId)).toMatchObject({ state: 'refunded' });
  });
});
