import type { OrderCancelled, OrderCreated, OrderEvent, OrderPaid, OrderRefunded, OrderShipped } from '#events';
import type { Decider } from '#eventsourcing';
import { hasRole, requireRole, type Actor } from '../shared/actor.js';
import { ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '../shared/errors.js';
import { assertCurrency } from '../shared/money.rules.js';
import type { CancelOrder, CreateOrder, MarkOrderPaid, OrderCommand, RecordOrderRefund, ShipOrder } from './order.commands.js';
import { evolveOrder, initialOrder, orderSnapshot, type Order } from './order.state.js';

export const MAX_LINE_ITEMS = 100;

const lineTotal = (quantity: number, unitPrice: number, index: number): number => {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) throw new ValidationError('invalid_quantity', `items[${index}].quantity must be a positive integer`);
  if (!Number.isSafeInteger(unitPrice) || unitPrice < 0) throw new ValidationError('invalid_unit_price', `items[${index}].unitPrice must be a non-negative integer`);
  return quantity * unitPrice;
};

type Placed = Exclude<Order, { status: 'None' }>;

const placedOrderOf = (state: Order, orderId: string): Placed => {
  if (state.status === 'None') throw new NotFoundError('Order', orderId);
  return state;
};

/** The order, if the actor is its customer or the payment saga; to other customers it does not exist. */
const ownOrderOf = (state: Order, orderId: string, actor: Actor): Placed => {
  requireRole(actor, ['customer', 'payment-service'], 'cancel orders');
  const order = placedOrderOf(state, orderId);
  if (hasRole(actor, 'payment-service')) return order;
  if (order.customerId !== actor.subject) throw new NotFoundError('Order', orderId);
  return order;
};

/** A customer orders for themselves, paying from an account of their own. */
const assertPlacedByOwner = (cmd: CreateOrder): void => {
  const { actor } = cmd.metadata;
  requireRole(actor, ['customer'], 'place orders');
  if (cmd.data.customerId !== actor.subject) throw new ForbiddenError('customerId must be your own id (the subject of your token), or be left out', 'customer_mismatch');
  if (cmd.data.accountOwnerId !== actor.subject) throw new IllegalStateError('unknown_account', `accountId ${cmd.data.accountId} is not an open account of yours`);
};

export const create = (cmd: CreateOrder, state: Order): OrderCreated => {
  assertPlacedByOwner(cmd);
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
  const order = ownOrderOf(state, cmd.data.orderId, cmd.metadata.actor);
  if (cmd.data.unlessPaid && (order.paid || order.status !== 'Created')) return [];
  if (order.status === 'Shipped') throw new IllegalStateError('order_already_shipped', 'A shipped order cannot be cancelled');
  if (order.status === 'Cancelled') throw new IllegalStateError('order_already_cancelled', 'The order is already cancelled');
  return [{ type: 'OrderCancelled', data: { orderId: order.orderId, reason: cmd.data.reason, cancelledAt: cmd.metadata.now } }];
};

export const ship = (cmd: ShipOrder, state: Order): OrderShipped => {
  requireRole(cmd.metadata.actor, ['operator'], 'ship orders');
  if (state.status === 'None') throw new NotFoundError('Order', cmd.data.orderId);
  if (state.status === 'Cancelled') throw new IllegalStateError('order_cancelled', 'A cancelled order cannot ship');
  if (state.status === 'Shipped') throw new IllegalStateError('order_already_shipped', 'The order has already shipped');
  if (!state.paid) throw new IllegalStateError('order_not_paid', 'An order ships once it is paid');
  return { type: 'OrderShipped', data: { orderId: state.orderId, shippedAt: cmd.metadata.now } };
};

export const markPaid = (cmd: MarkOrderPaid, state: Order): OrderPaid[] => {
  requireRole(cmd.metadata.actor, ['payment-service'], 'mark orders paid');
  if (state.status === 'None') throw new NotFoundError('Order', cmd.data.orderId);
  if (state.paid) return []; // paid already: a retry changes nothing
  if (state.status === 'Cancelled') throw new IllegalStateError('order_cancelled', 'A cancelled order is not paid; its payment is refunded');
  return [{ type: 'OrderPaid', data: { orderId: state.orderId, accountId: state.accountId, amount: state.total, paidAt: cmd.metadata.now } }];
};

export const recordRefund = (cmd: RecordOrderRefund, state: Order): OrderRefunded[] => {
  requireRole(cmd.metadata.actor, ['payment-service'], 'record refunds');
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
  snapshot: orderSnapshot,
};
