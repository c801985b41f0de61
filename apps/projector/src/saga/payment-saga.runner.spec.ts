import { accountStreamId, knownEventCodec, orderStreamId, type EventEnvelope, type KnownEvent, type NewEvent } from '#events';
import type { Payment } from '#domain';
import { InMemoryEventStore } from '#eventsourcing';
import { WritePath } from '#infra/nest/write-path';
import type { PaymentSagas } from './payment-saga.repository.js';
import { PaymentSagaRunner } from './payment-saga.runner.js';

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
const event = (type: string, data: object): NewEvent => ({
  eventId: `e-${++ids}`, type, schemaVersion: 1, occurredAt: createdAt, data, metadata: { correlationId: 'c', causationId: null },
});

describe('the payment saga runner, on the in-memory store', () => {
  let store: InMemoryEventStore;
  let sagas: InMemoryPaymentSagas;
  let now: Date;
  let saga: PaymentSagaRunner;
  beforeEach(() => {
    store = new InMemoryEventStore();
    sagas = new InMemoryPaymentSagas();
    now = new Date('2026-11-25T10:00:01.000Z');
    saga = new PaymentSagaRunner(sagas, new WritePath(store, {}), store, 60_000, () => now);
  });

  const account = async (id: string, balance: number): Promise<void> => {
    await store.append(accountStreamId(id), [event('AccountOpened', { accountId: id, ownerName: 'Ada', currency: 'EUR', openedAt: createdAt })], 'no_stream');
    await store.append(accountStreamId(id), [event('MoneyDeposited', { accountId: id, amount: balance, currency: 'EUR', description: null, depositedAt: createdAt })], 0);
  };
  const order = async (orderId: string, accountId: string, total: number): Promise<EventEnvelope<KnownEvent>> => {
    const data = { orderId, customerId: 'c-1', accountId, currency: 'EUR', items: [{ sku: 'S', name: 'Thing', quantity: 1, unitPrice: total }], total, createdAt };
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
    await sagas.save({ status: 'awaiting_payment', orderId: 'o-1', accountId: 'a-1', amount: 300, currency: 'EUR', deadline: '2026-11-25T10:01:00.000Z', reason: null });
    await store.append(accountStreamId('a-1'), [event('MoneyWithdrawn', { accountId: 'a-1', amount: 300, currency: 'EUR', description: null, withdrawnAt: createdAt, orderId: 'o-1' })], 1);
    now = new Date('2026-11-25T11:00:00.000Z');
    expect(await saga.cancelOverdue()).toBe(1);
    expect(await types(orderStreamId('o-1'))).toEqual(['OrderCreated', 'OrderCancelled', 'OrderRefunded']);
    expect(sagas.byOrder.get('o-1')).toMatchObject({ status: 'refunded' });
  });
});
