import type { OrderEvent } from '#events';
import { deciderSpec } from '../shared/given-when-then.js';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors.js';
import type { LineItemInput, OrderCommand } from './order.commands.js';
import { MAX_LINE_ITEMS, orderDecider } from './order.decide.js';

const now = '2026-11-24T10:00:00.000Z';
const orderId = 'ord-1';
const spec = deciderSpec(orderDecider);
const items: LineItemInput[] = [
  { sku: 'BK-1', name: 'Book', quantity: 2, unitPrice: 1250 },
  { sku: 'PN-2', name: 'Pen', quantity: 3, unitPrice: 199 },
];
const create = (lineItems: readonly LineItemInput[] = items, currency = 'EUR'): OrderCommand => ({
  type: 'CreateOrder',
  data: { orderId, customerId: 'cust-1', accountId: 'acc-1', currency, items: lineItems },
  metadata: { now },
});
const created: OrderEvent = {
  type: 'OrderCreated',
  data: { orderId, customerId: 'cust-1', accountId: 'acc-1', currency: 'EUR', items, total: 2 * 1250 + 3 * 199, createdAt: now },
};
const cancel: OrderCommand = { type: 'CancelOrder', data: { orderId, reason: 'no longer needed' }, metadata: { now } };
const ship: OrderCommand = { type: 'ShipOrder', data: { orderId }, metadata: { now } };
const cancelled: OrderEvent = { type: 'OrderCancelled', data: { orderId, reason: 'no longer needed', cancelledAt: now } };
const shipped: OrderEvent = { type: 'OrderShipped', data: { orderId, shippedAt: now } };

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
    it('refuses a shipped order', () => spec.given([created, shipped]).when(cancel).thenThrows(IllegalStateError, 'order_already_shipped'));
    it('refuses to cancel twice', () => spec.given([created, cancelled]).when(cancel).thenThrows(IllegalStateError, 'order_already_cancelled'));
    it('refuses an order that does not exist', () => spec.given([]).when(cancel).thenThrows(NotFoundError, 'not_found'));
  });

  describe('ShipOrder', () => {
    it('ships a created order', () => spec.given([created]).when(ship).then([shipped]));
    it('refuses a cancelled order', () => spec.given([created, cancelled]).when(ship).thenThrows(IllegalStateError, 'order_cancelled'));
    it('refuses to ship twice', () => spec.given([created, shipped]).when(ship).thenThrows(IllegalStateError, 'order_already_shipped'));
    it('refuses an order that does not exist', () => spec.given([]).when(ship).thenThrows(NotFoundError, 'not_found'));
  });
});
