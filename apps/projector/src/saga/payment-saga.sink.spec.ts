import { accountStreamId, orderStreamId, type EventEnvelope, type KnownEvent, type NewEvent } from '#events';
import { IllegalStateError, type Payment } from '#domain';
import { InMemoryEventStore } from '#eventsourcing';
import { IdentityProviderUnavailableError } from '#infra/auth/token-verifier';
import { WritePath } from '#infra/nest/write-path';
import type { PaymentSagas } from './payment-saga.repository.js';
import { PaymentSagaRunner, type SagaIdentity } from './payment-saga.runner.js';
import { paymentSagaSink } from './payment-saga.sink.js';

const at = '2026-11-25T10:00:00.000Z';
let ids = 0;
const event = (type: string, data: object, schemaVersion = 1): NewEvent => ({ eventId: `e-${++ids}`, type, schemaVersion, occurredAt: at, data, metadata: { correlationId: 'c', causationId: null } });
/** The payment service as the identity provider would vouch for it: fixed, for unit tests. */
const paymentService: SagaIdentity = {
  principal: () => Promise.resolve({ subject: 'svc-payments', client: 'payment-service', roles: ['payment-service'], username: null }),
};

describe('the payment saga as a consumer: poison is dead-lettered, the orders behind it go on', () => {
  let store: InMemoryEventStore;
  let states: Map<string, Payment>;
  let sagas: PaymentSagas;
  let sink: ReturnType<typeof paymentSagaSink>;
  beforeEach(async () => {
    store = new InMemoryEventStore();
    states = new Map();
    sagas = {
      load: (id) => Promise.resolve(states.get(id) ?? { status: 'none' }),
      save: (p) => Promise.resolve(void (p.status !== 'none' && states.set(p.orderId, p))),
      overdue: () => Promise.resolve([]),
    };
    sink = paymentSagaSink(new PaymentSagaRunner(sagas, new WritePath(store, {}), store, 60_000, paymentService, () => new Date(at)));
    await store.append(accountStreamId('a-1'), [event('AccountOpened', { accountId: 'a-1', ownerName: 'Ada', currency: 'EUR', openedAt: at, ownerId: 'c' }, 2)], 'no_stream');
    await store.append(accountStreamId('a-1'), [event('MoneyDeposited', { accountId: 'a-1', amount: Number.MAX_SAFE_INTEGER - 100, currency: 'EUR', description: null, depositedAt: at })], 0);
  });
  const apply = (events: EventEnvelope<KnownEvent>[]) => sink.apply(events, () => Promise.resolve(), new AbortController().signal);
  const created = async (orderId: string, total = 300, customerId = 'c'): Promise<EventEnvelope<KnownEvent>> => {
    const data = { orderId, customerId, accountId: 'a-1', currency: 'EUR', items: [{ sku: 'S', name: 'N', quantity: 1, unitPrice: total }], total, createdAt: at };
    await store.append(orderStreamId(orderId), [event('OrderCreated', data)], 'no_stream');
    return (await store.readStream(orderStreamId(orderId))).at(-1) as EventEnvelope<KnownEvent>;
  };
  const types = async (streamId: string): Promise<string[]> => (await store.readStream(streamId)).map((e) => e.type);

  it('dead-letters an event the store does not hold (forged, or another environment’s) and moves no money', async () => {
    const real = await created('o-1');
    await apply([real]);
    const forged = { ...real, eventId: 'forged', type: 'OrderCancelled', streamRevision: 1, data: { orderId: 'o-1', reason: 'x', cancelledAt: at } } as EventEnvelope<KnownEvent>;
    const next = await created('o-2');
    const outcome = await apply([forged, next]);
    expect(outcome.rejected.map((r) => [r.event.eventId, r.error.message])).toEqual([['forged', expect.stringContaining('is not in the event store')]]);
    expect((await store.readStream(accountStreamId('a-1'))).filter((e) => e.type === 'MoneyDeposited')).toHaveLength(1);
    expect(await types(orderStreamId('o-2'))).toEqual(['OrderCreated', 'OrderPaid']);
  });

  it('a refund the account refuses stops at refund_failed instead of looping', async () => {
    await apply([await created('o-1', 300)]);
    // The balance is back near the limit, so giving 300 back would pass it.
    await store.append(accountStreamId('a-1'), [event('MoneyDeposited', { accountId: 'a-1', amount: 300, currency: 'EUR', description: null, depositedAt: at })], 2);
    await store.append(orderStreamId('o-1'), [event('OrderCancelled', { orderId: 'o-1', reason: 'changed my mind', cancelledAt: at })], 1);
    const outcome = await apply([(await store.readStream(orderStreamId('o-1'))).at(-1) as EventEnvelope<KnownEvent>]);
    expect(outcome.rejected).toEqual([]);
    expect(states.get('o-1')).toMatchObject({ status: 'refund_failed', reason: 'balance_limit_exceeded' });
  });

  it('a payment refused because the account is not the customer’s is an outcome, not poison: the order is cancelled, the next one paid', async () => {
    const outcome = await apply([await created('o-1', 300, 'someone-else'), await created('o-2')]);
    expect(outcome).toEqual({ applied: 2, skipped: 0, rejected: [] });
    expect(await types(orderStreamId('o-1'))).toEqual(['OrderCreated', 'OrderCancelled']);
    expect(states.get('o-1')).toMatchObject({ status: 'payment_failed', reason: 'not_account_owner' });
    expect(await types(orderStreamId('o-2'))).toEqual(['OrderCreated', 'OrderPaid']);
  });

  it('an identity provider out of reach is not poison: the batch fails to be retried, nothing is dead-lettered, no money moves', async () => {
    const down = new IdentityProviderUnavailableError('no token for payment-service');
    const stranded = paymentSagaSink(new PaymentSagaRunner(sagas, new WritePath(store, {}), store, 60_000, { principal: () => Promise.reject(down) }, () => new Date(at)));
    await expect(stranded.apply([await created('o-1')], () => Promise.resolve(), new AbortController().signal)).rejects.toBe(down);
    expect(await types(accountStreamId('a-1'))).toEqual(['AccountOpened', 'MoneyDeposited']);
    expect(states.has('o-1')).toBe(false);
  });

  it('dead-letters an event whose step a domain rule refuses with no rule of the saga for it, and goes on', async () => {
    const stuck = paymentSagaSink({
      handle: (e: EventEnvelope<KnownEvent>) => (e.eventId === 'bad' ? Promise.reject(new IllegalStateError('order_not_cancelled', 'no')) : Promise.resolve()),
    } as unknown as PaymentSagaRunner);
    const real = await created('o-1');
    const outcome = await stuck.apply([{ ...real, eventId: 'bad' }, real], () => Promise.resolve(), new AbortController().signal);
    expect(outcome).toMatchObject({ applied: 1, rejected: [{ event: { eventId: 'bad' } }] });
  });
});
