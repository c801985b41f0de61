import type { OrderCancelled, OrderCreated, OrderEvent, OrderPaid, OrderRefunded, OrderShipped } from '#events';
import type { Decider } from '#eventsourcing';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors.js';
import { assertCurrency } from '../shared/money.rules.js';
import type { CancelOrder, CreateOrder, MarkOrderPaid, OrderCommand, RecordOrderRefund, ShipOrder } from './order.commands.js';
import { evolveOrder, initialOrder, type Order } from './order.state.js';

export const MAX_LINE_ITEMS = 100;

const lineTotal = (quantity: number, unitPrice: number, index: number): number => {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) throw new ValidationError('invalid_quantity', `items[${index}].quantity must be a positive integer`);
  if (!Number.isSafeInteger(unitPrice) || unitPrice < 0) throw new ValidationError('invalid_unit_price', `items[${index}].unitPrice must be a non-negative integer`);
  return quantity * unitPrice;
};

export const create = (cmd: CreateOrder, state: Order): OrderCreated => {
  if (state.status !== 'None') throw new IllegalStateError('order_already_exists', `Order ${cmd.data.orderId} already exists`);
  const { items } = cmd.data;
  if (items.length < 1 || items.length > MAX_LINE_ITEMS) {
    throw new ValidationError('invalid_line_items', `An order has 1 to ${MAX_LINE_ITEMS} line items`);
  }
  assertCurrency(cmd.data.currency);
  const total = items.reduce((sum, item, i) => sum + lineTotal(item.quantity, item.unitPrice, i), 0);
  if (!Number.isSafeInteger(total)) throw new ValidationError('total_too_large', 'The order total exceeds the largest amount the ledger can hold');
  if (total <= 0) throw new ValidationError('zero_total', 'An order must cost something');
  return {
    type: 'OrderCreated',
    data: {
      orderId: cmd.data.orderId,
      customerId: cmd.data.customerId,
      accountId: cmd.data.accountId,
      currency: cmd.data.currency,
      items: items.map(({ sku, name, quantity, unitPrice }) => ({ sku, name, quantity, unitPrice })),
      total,
      createdAt: cmd.metadata.now,
    },
  };
};

export const cancel = (cmd: CancelOrder, state: Order): OrderCancelled[] => {
  if (state.status === 'None') throw new NotFoundError('Order', cmd.data.orderId);
  if (cmd.data.unlessPaid && (state.paid || state.status !== 'Created')) return [];
  if (state.status === 'Shipped') throw new IllegalStateError('order_already_shipped', 'A shipped order cannot be cancelled');
  if (state.status === 'Cancelled') throw new IllegalStateError('order_already_cancelled', 'The order is already cancelled');
  return [{ type: 'OrderCancelled', data: { orderId: state.orderId, reason: cmd.data.reason, cancelledAt: cmd.metadata.now } }];
};

export const ship = (cmd: ShipOrder, state: Order): OrderShipped => {
  if (state.status === 'None') throw new NotFoundError('Order', cmd.data.orderId);
  if (state.status === 'Cancelled') throw new IllegalStateError('order_cancelled', 'A cancelled order cannot ship');
  if (state.status === 'Shipped') throw new IllegalStateError('order_already_shipped', 'The order has already shipped');
  if (!state.paid) throw new IllegalStateError('order_not_paid', 'An order ships once it is paid');
  return { type: 'OrderShipped', data: { orderId: state.orderId, shippedAt: cmd.metadata.now } };
};

export const markPaid = (cmd: MarkOrderPaid, state: Order): OrderPaid[] => {
  if (state.status === 'None') throw new NotFoundError('Order', cmd.data.orderId);
  if (state.paid) return []; // paid already: a retry changes nothing
  if (state.status === 'Cancelled') throw new IllegalStateError('order_cancelled', 'A cancelled order is not paid; its payment is refunded');
  return [{ type: 'OrderPaid', data: { orderId: state.orderId, accountId: state.accountId, amount: state.total, paidAt: cmd.metadata.now } }];
};

export const recordRefund = (cmd: RecordOrderRefund, state: Order): OrderRefunded[] => {
  if (state.status === 'None') throw new NotFoundError('Order', cmd.data.orderId);
  if (state.refunded) return [];
  if (state.status !== 'Cancelled') throw new IllegalStateError('order_not_cancelled', 'Only a cancelled order is refunded');
  return [{ type: 'OrderRefunded', data: { orderId: state.orderId, accountId: state.accountId, amount: state.total, refundedAt: cmd.metadata.now } }];
};

export const decideOrder = (command: OrderCommand, state: Order): OrderEvent[] => {
  switch (command.type) {
    case 'CreateOrder':
      return [create(command, state)];
    case 'CancelOrder':
      return cancel(command, state);
    case 'ShipOrder':
      return [ship(command, state)];
    case 'MarkOrderPaid':
      return markPaid(command, state);
    case 'RecordOrderRefund':
      return recordRefund(command, state);
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${(unknown as OrderCommand).type}`);
    }
  }
};

export const orderDecider: Decider<OrderCommand, OrderEvent, Order> = {
  decide: decideOrder,
  evolve: evolveOrder,
  initialState: initialOrder,
};
