import type { OrderEvent } from '#events';
import type { StateSnapshot } from '#eventsourcing';

export type Order =
  | { readonly status: 'None' }
  | {
      readonly status: 'Created' | 'Cancelled' | 'Shipped';
      readonly orderId: string;
      readonly customerId: string;
      readonly accountId: string;
      readonly currency: string;
      readonly total: number;
      readonly paid: boolean;
      readonly refunded: boolean;
    };

export const initialOrder: Order = { status: 'None' };

export const evolveOrder = (state: Order, event: OrderEvent): Order => {
  if (event.type === 'OrderCreated') {
    const { orderId, customerId, accountId, currency, total } = event.data;
    return { status: 'Created', orderId, customerId, accountId, currency, total, paid: false, refunded: false };
  }
  if (state.status === 'None') return state;
  switch (event.type) {
    case 'OrderCancelled':
      return { ...state, status: 'Cancelled' };
    case 'OrderShipped':
      return { ...state, status: 'Shipped' };
    case 'OrderPaid':
      return { ...state, paid: true };
    case 'OrderRefunded':
      return { ...state, refunded: true };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

/** An order in a snapshot: it is plain JSON already. Raise `version` whenever the shape of Order changes. */
export const orderSnapshot: StateSnapshot<Order> = {
  version: 1,
  toJson: (state) => state,
  fromJson: (json) => json as Order,
};
