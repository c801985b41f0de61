import { accountStreamId, knownEventCodec, orderStreamId, type EventEnvelope, type KnownEvent, type NewEvent } from '#events';
import type { Payment } from '#domain';
import { InMemoryEventStore } from '#eventsourcing';
import { WritePath } from '#infra/nest/write-path';
import type { PaymentSagas } from './payment-saga.repository.js';
import { PaymentSagaRunner, type SagaIdentity } from './payment-saga.runner.js';

/** The saga's state in memory, as the runner sees the payment_sagas table. */
class InMemoryPaymentSagas implements PaymentSagas {
  readonly byOrder = new Map<string, Payment>();
  load(orderId: string): Promise<Payment> {
    return Promise.resolve(this.byOrder.get(orderId) ?? { status: 'none' });
  }
  save(payment: Payment): Promise<void> {
    if (payment.status !== 'none' && this.byOrder.get(payment.orderId)?.status !== 'refunded') this.byOrder.set(payment.orderId, payment);
    return Promise.resolve();
  }
  overdue(now: Date): Promise<string[]> {
    return Promise.resolve([...this.byOrder.values()].flatMap((p) => (p.status === 'awaiting_payment' && Date.parse(p.deadline) < now.getTime() ? [p.orderId] : [])));
  }
}

const createdAt = '2026-11-25T10:00:00.000Z';
let ids = 0;
const event = (type: string, data: object, schemaVersion = 1): NewEvent => ({
  eventId: `e-${++ids}`, type, schemaVersion, occurredAt: createdAt, data, metadata: { correlationId: 'c', causationId: null },
});
/** The payment service as the identity provider would vouch for it: fixed, for unit tests. */
const paymentService: SagaIdentity = {
  principal: () => Promise.resolve({ subject: 'svc-payments', client: 'payment-service', roles: ['payment-service'], username: 'service-account-payment-service' }),
};

describe('the payment saga runner, on the in-memory store', () => {
  let store: InMemoryEventStore;
  let sagas: InMemoryPaymentSagas;
  let now: Date;
  let saga: PaymentSagaRunner;
  beforeEach(() => {
    store = new InMemoryEventStore();
    sagas = new InMemoryPaymentSagas();
    now = new Date('2026-11-25T10:00:01.000Z');
    saga = new PaymentSagaRunner(sagas, new WritePath(store, {}), store, 60_000, paymentService, () => now);
  });

  /** An account of `ownerId`; null: opened before owners were recorded (schema 1, no owner). */
  const account = async (id: string, balance: number, ownerId: string | null = 'c-1'): Promise<void> => {
    const opened = ownerId === null
      ? event('AccountOpened', { accountId: id, ownerName: 'Ada', currency: 'EUR', openedAt: createdAt })
      : event('AccountOpened', { accountId: id, ownerName: 'Ada', currency: 'EUR', openedAt: createdAt, ownerId }, 2);
    await store.append(accountStreamId(id), [opened], 'no_stream');
    await store.append(accountStreamId(id), [event('MoneyDeposited', { accountId: id, amount: balance, currency: 'EUR', description: null, depositedAt: createdAt })], 0);
  };
  const order = async (orderId: string, accountId: string, total: number, customerId = 'c-1'): Promise<EventEnvelope<KnownEvent>> => {
    const data = { orderId, customerId, accountId, currency: 'EUR', items: [{ sku: 'S', name: 'Thing', quantity: 1, unitPrice: total }], total, createdAt };
    await store.append(orderStreamId(orderId), [event('OrderCreated', data)], 'no_stream');
    return last(orderStreamId(orderId));
  };
  const last = async (streamId: string): Promise<EventEnvelope<KnownEvent>> => (await store.readStream(streamId)).at(-1) as EventEnvelope<KnownEvent>;
  const types = async (streamId: string): Promise<string[]> => (await store.readStream(streamId)).map((e) => knownEventCodec().decode(e).type);

  it('pays an order and marks it paid, once however often the event comes', async () => {
    await account('a-1', 1_000);
    const created = await order('o-1', 'a-1', 300);
    await saga.handle(created);
    await saga.handle(created);
    expect(await types(orderStreamId('o-1'))).toEqual(['OrderCreated', 'OrderPaid']);
    expect(await types(accountStreamId('a-1'))).toEqual(['AccountOpened', 'MoneyDeposited', 'MoneyWithdrawn']);
    expect(sagas.byOrder.get('o-1')).toMatchObject({ status: 'paid' });
  });

  it('cancels an order its account cannot pay, taking nothing', async () => {
    await account('a-1', 100);
    await saga.handle(await order('o-1', 'a-1', 300));
    expect(await types(orderStreamId('o-1'))).toEqual(['OrderCreated', 'OrderCancelled']);
    expect((await last(orderStreamId('o-1'))).data).toMatchObject({ reason: 'payment failed: insufficient_funds' });
    expect(sagas.byOrder.get('o-1')).toMatchObject({ status: 'payment_failed', reason: 'insufficient_funds' });
  });

  it('refunds a paid order that is cancelled, once, even when the cancellation arrives twice at the same time', async () => {
    await account('a-1', 1_000);
    await saga.handle(await order('o-1', 'a-1', 300));
    await store.append(orderStreamId('o-1'), [event('OrderCancelled', { orderId: 'o-1', reason: 'changed my mind', cancelledAt: createdAt })], 1);
    const cancelled = await last(orderStreamId('o-1'));
    await Promise.all([saga.handle(cancelled), saga.handle(cancelled)]);
    expect(await types(orderStreamId('o-1'))).toEqual(['OrderCreated', 'OrderPaid', 'OrderCancelled', 'OrderRefunded']);
    expect((await store.readStream(accountStreamId('a-1'))).filter((e) => e.type === 'MoneyDeposited')).toHaveLength(2);
    expect(sagas.byOrder.get('o-1')).toMatchObject({ status: 'refunded' });
  });

  it('the sweep times out an unpaid order and gives back a payment made before a crash', async () => {
    await account('a-1', 1_000);
    await order('o-1', 'a-1', 300);
    await sagas.save({ status: 'awaiting_payment', orderId: 'o-1', customerId: 'c-1', accountId: 'a-1', amount: 300, currency: 'EUR', deadline: '2026-11-25T10:01:00.000Z', reason: null });
    await store.append(accountStreamId('a-1'), [event('MoneyWithdrawn', { accountId: 'a-1', amount: 300, currency: 'EUR', description: null, withdrawnAt: createdAt, orderId: 'o-1' })], 1);
    now = new Date('2026-11-25T11:00:00.000Z');
    expect(await saga.cancelOverdue()).toBe(1);
    expect(await types(orderStreamId('o-1'))).toEqual(['OrderCreated', 'OrderCancelled', 'OrderRefunded']);
    expect(sagas.byOrder.get('o-1')).toMatchObject({ status: 'refunded' });
    expect((await store.readStream(orderStreamId('o-1'))).slice(1).map((e) => e.metadata)).toEqual([
      { correlationId: 'o-1', causationId: null, actor: { subject: 'svc-payments', client: 'payment-service' } },
      { correlationId: 'o-1', causationId: null, actor: { subject: 'svc-payments', client: 'payment-service' } },
    ]);
  });

  it('records the payment service’s subject and client as the actor of every event it appends', async () => {
    await account('a-1', 1_000);
    const created = await order('o-1', 'a-1', 300);
    await saga.handle(created);
    const appended = [(await store.readStream(accountStreamId('a-1'))).at(-1), (await store.readStream(orderStreamId('o-1'))).at(-1)];
    expect(appended.map((e) => [e?.type, e?.metadata])).toEqual([
      ['MoneyWithdrawn', { correlationId: 'c', causationId: created.eventId, actor: { subject: 'svc-payments', client: 'payment-service' } }],
      ['OrderPaid', { correlationId: 'c', causationId: created.eventId, actor: { subject: 'svc-payments', client: 'payment-service' } }],
    ]);
  });

  it('cancels an order paid from an account its customer does not own, taking nothing', async () => {
    await account('a-1', 1_000, 'c-2');
    await saga.handle(await order('o-1', 'a-1', 300, 'c-1'));
    expect(await types(orderStreamId('o-1'))).toEqual(['OrderCreated', 'OrderCancelled']);
    expect((await last(orderStreamId('o-1'))).data).toMatchObject({ reason: 'payment failed: not_account_owner' });
    expect(await types(accountStreamId('a-1'))).toEqual(['AccountOpened', 'MoneyDeposited']);
    expect(sagas.byOrder.get('o-1')).toMatchObject({ status: 'payment_failed', reason: 'not_account_owner' });
  });

  it('pays no order from an account opened before owners were recorded', async () => {
    await account('a-1', 1_000, null);
    await saga.handle(await order('o-1', 'a-1', 300));
    expect((await last(orderStreamId('o-1'))).data).toMatchObject({ reason: 'payment failed: not_account_owner' });
    expect(await types(accountStreamId('a-1'))).toEqual(['AccountOpened', 'MoneyDeposited']);
  });

  it('moves no money while the payment service has no identity, and asks for none when nothing is overdue', async () => {
    const down = new Error('identity provider out of reach');
    let asked = 0;
    const principal = (): ReturnType<SagaIdentity['principal']> => (asked++, Promise.reject(down));
    const stranded = new PaymentSagaRunner(sagas, new WritePath(store, {}), store, 60_000, { principal }, () => now);
    await account('a-1', 1_000);
    const created = await order('o-1', 'a-1', 300);
    await expect(stranded.handle(created)).rejects.toBe(down);
    expect(await types(accountStreamId('a-1'))).toEqual(['AccountOpened', 'MoneyDeposited']);
    expect(sagas.byOrder.has('o-1')).toBe(false);
    asked = 0;
    expect(await stranded.cancelOverdue()).toBe(0);
    expect(asked).toBe(0);
  });
});
