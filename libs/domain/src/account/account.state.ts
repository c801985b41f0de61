import type { AccountEvent } from '#events';

export type Account =
  | { readonly status: 'None' }
  | { readonly status: 'Open'; readonly accountId: string; readonly currency: string; readonly balance: number };

export const initialAccount: Account = { status: 'None' };

export const evolveAccount = (state: Account, event: AccountEvent): Account => {
  switch (event.type) {
    case 'AccountOpened':
      return { status: 'Open', accountId: event.data.accountId, currency: event.data.currency, balance: 0 };
    case 'MoneyDeposited':
      return state.status === 'Open' ? { ...state, balance: state.balance + event.data.amount } : state;
    case 'MoneyWithdrawn':
      return state.status === 'Open' ? { ...state, balance: state.balance - event.data.amount } : state;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};
