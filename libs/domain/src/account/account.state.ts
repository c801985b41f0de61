import type { AccountEvent } from '#events';
import type { StateSnapshot } from '#eventsourcing';

export type Account =
  | { readonly status: 'None' }
  | {
      readonly status: 'Open';
      readonly accountId: string;
      /** The subject who opened it; null for accounts opened before owners were recorded. */
      readonly ownerId: string | null;
      readonly currency: string;
      readonly balance: number;
      /** Orders this account has paid, and those of them refunded: payments and refunds happen once. */
      readonly paidOrders: ReadonlySet<string>;
      readonly refundedOrders: ReadonlySet<string>;
    };

export const initialAccount: Account = { status: 'None' };

const adding = (set: ReadonlySet<string>, id: string | null | undefined): ReadonlySet<string> => (id ? new Set([...set, id]) : set);

export const evolveAccount = (state: Account, event: AccountEvent): Account => {
  switch (event.type) {
    case 'AccountOpened':
      return { status: 'Open', accountId: event.data.accountId, ownerId: event.data.ownerId, currency: event.data.currency, balance: 0, paidOrders: new Set(), refundedOrders: new Set() };
    case 'MoneyDeposited':
      return state.status === 'Open'
        ? { ...state, balance: state.balance + event.data.amount, refundedOrders: adding(state.refundedOrders, event.data.refundOf) }
        : state;
    case 'MoneyWithdrawn':
      return state.status === 'Open'
        ? { ...state, balance: state.balance - event.data.amount, paidOrders: adding(state.paidOrders, event.data.orderId) }
        : state;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

type OpenAccount = Extract<Account, { status: 'Open' }>;
type AccountJson = { readonly status: 'None' } | (Omit<OpenAccount, 'paidOrders' | 'refundedOrders'> & { readonly paidOrders: string[]; readonly refundedOrders: string[] });

/** An account in a snapshot: its sets as arrays. Raise `version` whenever the shape of Account changes. */
export const accountSnapshot: StateSnapshot<Account> = {
  version: 1,
  toJson: (state): AccountJson => (state.status === 'Open' ? { ...state, paidOrders: [...state.paidOrders], refundedOrders: [...state.refundedOrders] } : state),
  fromJson: (json) => {
    const state = json as AccountJson;
    return state.status === 'Open' ? { ...state, paidOrders: new Set(state.paidOrders), refundedOrders: new Set(state.refundedOrders) } : state;
  },
};
