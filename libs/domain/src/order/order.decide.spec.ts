import type { OrderEvent } from '#events';
import { deciderSpec } from '#eventsourcing/testing';
import type { Actor } from '../shared/actor.js';
import { ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '../shared/errors.js';
import type { CreateOrder, LineItemInput, OrderCommand } from './order.commands.js';
import { MAX_LINE_ITEMS, orderDecider } from './order.decide.js';

const now = '2026-11-24T10:00:00.000Z';
const orderId = 'ord-1';
const spec = deciderSpec(orderDecider);
const ada: Actor = { subject: 'cust-ada', roles: ['customer'] };
const bob: Actor = { subject: 'cust-bob', roles: ['customer'] };
const operator: Actor = { subject: 'op-1', roles: ['operator'] };
const paymentService: Actor = { subject: 'svc-payments', roles: ['payment-service'] };
const items: LineItemInput[] = [
  { sku: 'BK-1', name: 'Book', quantity: 2, unitPrice: 1250 },
  { sku: 'PN-2', name: 'Pen', quantity: 3, unitPrice: 199 },
];
/** `command` sent by `actor`. */
const as = (actor: Actor, command: OrderCommand): OrderCommand => ({ ...command, metadata: { now, actor } });
/** Ada orders for herself, from her own account, unless said otherwise. */
const createAs = (actor: Actor, data: Partial<CreateOrder['data']> = {}): OrderCommand => ({
  type: 'CreateOrder',
  data: { orderId, customerId: ada.subject, accountId: 'acc-1', accountOwnerId: ada.subject, currency: 'EUR', items, ...data },
  metadata: { now, actor },
});
const create = (lineItems: readonly LineItemInput[] = items, currency = 'EUR'): OrderCommand => createAs(ada, { items: lineItems, currency });
const created: OrderEvent = {
  type: 'OrderCreated',
  data: { orderId, customerId: ada.subject, accountId: 'acc-1', currency: 'EUR', items, total: 2 * 1250 + 3 * 199, createdAt: now },
};
const cancel: OrderCommand = { type: 'CancelOrder', data: { orderId, reason: 'no longer needed' }, metadata: { now, actor: ada } };
const ship: OrderCommand = { type: 'ShipOrder', data: { orderId }, metadata: { now, actor: operator } };
const cancelled: OrderEvent = { type: 'OrderCancelled', data: { orderId, reason: 'no longer needed', cancelledAt: now } };
const shipped: OrderEvent = { type: 'OrderShipped', data: { orderId, shippedAt: now } };
const total = 2 * 1250 + 3 * 199;
const markPaid: OrderCommand = { type: 'MarkOrderPaid', data: { orderId }, metadata: { now, actor: paymentService } };
const paid: OrderEvent = { type: 'OrderPaid', data: { orderId, accountId: 'acc-1', amount: total, paidAt: now } };
const recordRefund: OrderCommand = { type: 'RecordOrderRefund', data: { orderId }, metadata: { now, actor: paymentService } };
const refunded: OrderEvent = { type: 'OrderRefunded', data: { orderId, accountId: 'acc-1', amount: total, refundedAt: now } };
const timeoutCancel: OrderCommand = { type: 'CancelOrder', data: { orderId, reason: 'payment timed out', unlessPaid: true }, metadata: { now, actor: paymentService } };

describe('Order', () => {
  describe('CreateOrder', () => {
    it('creates an order with the total computed by the domain', () => spec.given([]).when(create()).then([created]));
    it('refuses to create the same order twice', () => spec.given([created]).when(create()).thenThrows(IllegalStateError, 'order_already_exists'));
    it('refuses an order without line items', () => spec.given([]).when(create([])).thenThrows(ValidationError, 'invalid_line_items'));
    it(`accepts ${MAX_LINE_ITEMS} line items and refuses ${MAX_LINE_ITEMS + 1}`, () => {
      const line = { sku: 'S', name: 'N', quantity: 1, unitPrice: 1 };
      const hundred = Array.from({ length: MAX_LINE_ITEMS }, () => line);
      expect(orderDecider.decide(create(hundred), orderDecider.initialState)[0]).toMatchObject({ data: { total: MAX_LINE_ITEMS } });
      spec.given([]).when(create([...hundred, line])).thenThrows(ValidationError, 'invalid_line_items');
    });
    it.each([0, -2, 1.5])('refuses the quantity %p', (quantity) =>
      spec.given([]).when(create([{ sku: 'S', name: 'N', quantity, unitPrice: 100 }])).thenThrows(ValidationError, 'invalid_quantity'));
    it.each([-1, 0.5])('refuses the unit price %p', (unitPrice) =>
      spec.given([]).when(create([{ sku: 'S', name: 'N', quantity: 1, unitPrice }])).thenThrows(ValidationError, 'invalid_unit_price'));
    it('refuses an order that costs nothing', () =>
      spec.given([]).when(create([{ sku: 'S', name: 'Free sample', quantity: 1, unitPrice: 0 }])).thenThrows(ValidationError, 'zero_total'));
    it('refuses a total beyond the largest safe amount', () =>
      spec.given([]).when(create([{ sku: 'S', name: 'N', quantity: 2, unitPrice: Number.MAX_SAFE_INTEGER }])).thenThrows(ValidationError, 'total_too_large'));
    it('refuses a currency that is not ISO-4217', () => spec.given([]).when(create(items, 'euro')).thenThrows(ValidationError, 'invalid_currency'));
  });

  describe('CancelOrder', () => {
    it('cancels a created order', () => spec.given([created]).when(cancel).then([cancelled]));
    it('cancels a paid order (the saga refunds it)', () => spec.given([created, paid]).when(cancel).then([cancelled]));
    it('refuses a shipped order', () => spec.given([created, paid, shipped]).when(cancel).thenThrows(IllegalStateError, 'order_already_shipped'));
    it('the timeout cancels an unpaid order', () =>
      spec.given([created]).when(timeoutCancel).then([{ type: 'OrderCancelled', data: { orderId, reason: 'payment timed out', cancelledAt: now } }]));
    it('the timeout leaves a paid order alone', () => spec.given([created, paid]).when(timeoutCancel).then([]));
    it('the timeout does nothing to an order already cancelled', () => spec.given([created, cancelled]).when(timeoutCancel).then([]));
    it('refuses to cancel twice', () => spec.given([created, cancelled]).when(cancel).thenThrows(IllegalStateError, 'order_already_cancelled'));
    it('refuses an order that does not exist', () => spec.given([]).when(cancel).thenThrows(NotFoundError, 'not_found'));
  });

  describe('ShipOrder', () => {
    it('ships a paid order', () => spec.given([created, paid]).when(ship).then([shipped]));
    it('refuses an order not paid yet', () => spec.given([created]).when(ship).thenThrows(IllegalStateError, 'order_not_paid'));
    it('refuses a cancelled order', () => spec.given([created, paid, cancelled]).when(ship).thenThrows(IllegalStateError, 'order_cancelled'));
    it('refuses to ship twice', () => spec.given([created, paid, shipped]).when(ship).thenThrows(IllegalStateError, 'order_already_shipped'));
    it('refuses an order that does not exist', () => spec.given([]).when(ship).thenThrows(NotFoundError, 'not_found'));
  });

  describe('MarkOrderPaid (the payment saga)', () => {
    it('marks a created order paid, with its account and total', () => spec.given([created]).when(markPaid).then([paid]));
    it('is a no-op when already paid (a redelivery)', () => spec.given([created, paid]).when(markPaid).then([]));
    it('refuses a cancelled order, whose payment goes back', () => spec.given([created, cancelled]).when(markPaid).thenThrows(IllegalStateError, 'order_cancelled'));
    it('refuses an order that does not exist', () => spec.given([]).when(markPaid).thenThrows(NotFoundError, 'not_found'));
  });

  describe('RecordOrderRefund (the payment saga)', () => {
    it('records the refund of a cancelled order', () => spec.given([created, paid, cancelled]).when(recordRefund).then([refunded]));
    it('records it once', () => spec.given([created, paid, cancelled, refunded]).when(recordRefund).then([]));
    it('refuses an order that is not cancelled', () => spec.given([created, paid]).when(recordRefund).thenThrows(IllegalStateError, 'order_not_cancelled'));
  });
  describe('who may place an order', () => {
    it('a customer, for themselves, from their own account', () => spec.given([]).when(createAs(ada)).then([created]));
    it.each([
      ['an operator', operator],
      ['the payment service', paymentService],
    ])('not %s (403)', (_who, actor) => spec.given([]).when(createAs(actor, { customerId: actor.subject, accountOwnerId: actor.subject })).thenThrows(ForbiddenError, 'forbidden'));
    it('not a customer for another customer (403)', () =>
      spec.given([]).when(createAs(bob, { accountOwnerId: bob.subject })).thenThrows(ForbiddenError, 'customer_mismatch'));
    it('not a customer from another customer’s account', () =>
      spec.given([]).when(createAs(bob, { customerId: bob.subject })).thenThrows(IllegalStateError, 'unknown_account'));
    it('not a customer from an account that does not exist, or that no one owns (opened before owners were recorded)', () =>
      spec.given([]).when(createAs(ada, { accountOwnerId: null })).thenThrows(IllegalStateError, 'unknown_account'));
  });

  describe('who may cancel an order', () => {
    it('its customer', () => spec.given([created]).when(cancel).then([cancelled]));
    it('the payment service', () => spec.given([created]).when(as(paymentService, cancel)).then([cancelled]));
    it('not another customer: to them the order does not exist', () => spec.given([created]).when(as(bob, cancel)).thenThrows(NotFoundError, 'not_found'));
    it('not an operator (403)', () => spec.given([created]).when(as(operator, cancel)).thenThrows(ForbiddenError, 'forbidden'));
  });

  describe('who may ship an order', () => {
    it('an operator', () => spec.given([created, paid]).when(ship).then([shipped]));
    it.each([
      ['its customer', ada],
      ['another customer', bob],
      ['the payment service', paymentService],
    ])('not %s (403)', (_who, actor) => spec.given([created, paid]).when(as(actor, ship)).thenThrows(ForbiddenError, 'forbidden'));
  });

  describe('who may mark an order paid or record its refund', () => {
    it('the payment service marks it paid', () => spec.given([created]).when(markPaid).then([paid]));
    it('the payment service records its refund', () => spec.given([created, paid, cancelled]).when(recordRefund).then([refunded]));
    it.each([
      ['its customer', ada],
      ['an operator', operator],
    ])('not %s (403)', (_who, actor) => {
      spec.given([created]).when(as(actor, markPaid)).thenThrows(ForbiddenError, 'forbidden');
      spec.given([created, paid, cancelled]).when(as(actor, recordRefund)).thenThrows(ForbiddenError, 'forbidden');
    });
  });
});
