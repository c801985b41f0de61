import type { OrderEvent } from '#events';

export type Order =
  | { readonly status: 'None' }
  | { readonly status: 'Created' | 'Cancelled' | 'Shipped'; readonly orderId: string; readonly total: number };

export const initialOrder: Order = { status: 'None' };

export const evolveOrder = (state: Order, event: OrderEvent): Order => {
  switch (event.type) {
    case 'OrderCreated':
      return { status: 'Created', orderId: event.data.orderId, total: event.data.total };
    case 'OrderCancelled':
      return state.status === 'None' ? state : { ...state, status: 'Cancelled' };
    case 'OrderShipped':
      return state.status === 'None' ? state : { ...state, status: 'Shipped' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};
