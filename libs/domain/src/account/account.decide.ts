import type { AccountEvent, AccountOpened, MoneyDeposited, MoneyWithdrawn } from '#events';
import type { Decider } from '#eventsourcing';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors.js';
import { assertCurrency, assertPositiveAmount } from '../shared/money.rules.js';
import type { AccountCommand, DepositMoney, OpenAccount, WithdrawMoney } from './account.commands.js';
import { evolveAccount, initialAccount, type Account } from './account.state.js';

type OpenState = Extract<Account, { status: 'Open' }>;

const openAccountOf = (state: Account, accountId: string): OpenState => {
  if (state.status !== 'Open') throw new NotFoundError('Account', accountId);
  return state;
};

const assertSameCurrency = (state: OpenState, currency: string): void => {
  assertCurrency(currency);
  if (currency !== state.currency) {
    throw new IllegalStateError('currency_mismatch', `Account ${state.accountId} holds ${state.currency}, not ${currency}`);
  }
};

export const open = (cmd: OpenAccount, state: Account): AccountOpened => {
  if (state.status !== 'None') throw new IllegalStateError('account_already_open', `Account ${cmd.data.accountId} is already open`);
  assertCurrency(cmd.data.currency);
  const ownerName = cmd.data.ownerName.trim();
  if (ownerName === '') throw new ValidationError('invalid_owner_name', 'ownerName must not be blank');
  return { type: 'AccountOpened', data: { accountId: cmd.data.accountId, ownerName, currency: cmd.data.currency, openedAt: cmd.metadata.now } };
};

export const deposit = (cmd: DepositMoney, state: Account): MoneyDeposited[] => {
  const account = openAccountOf(state, cmd.data.accountId);
  const { refundOf } = cmd.data;
  if (refundOf !== undefined) {
    if (account.refundedOrders.has(refundOf)) return []; // refunded already: a retry changes nothing
    if (!account.paidOrders.has(refundOf)) throw new IllegalStateError('nothing_to_refund', `Account ${account.accountId} never paid order ${refundOf}`);
  }
  assertPositiveAmount(cmd.data.amount);
  assertSameCurrency(account, cmd.data.currency);
  if (!Number.isSafeInteger(account.balance + cmd.data.amount)) {
    throw new IllegalStateError('balance_limit_exceeded', 'The balance would exceed the largest amount the ledger can hold');
  }
  const data = { accountId: account.accountId, amount: cmd.data.amount, currency: cmd.data.currency, description: cmd.data.description ?? null, depositedAt: cmd.metadata.now };
  return [{ type: 'MoneyDeposited', data: refundOf === undefined ? data : { ...data, refundOf } }];
};

export const withdraw = (cmd: WithdrawMoney, state: Account): MoneyWithdrawn[] => {
  const account = openAccountOf(state, cmd.data.accountId);
  const { orderId } = cmd.data;
  if (orderId !== undefined && account.paidOrders.has(orderId)) return []; // paid already: a retry changes nothing
  assertPositiveAmount(cmd.data.amount);
  assertSameCurrency(account, cmd.data.currency);
  if (cmd.data.amount > account.balance) {
    throw new IllegalStateError('insufficient_funds', `Account ${account.accountId} has ${account.balance}, cannot withdraw ${cmd.data.amount}`);
  }
  const data = { accountId: account.accountId, amount: cmd.data.amount, currency: cmd.data.currency, description: cmd.data.description ?? null, withdrawnAt: cmd.metadata.now };
  return [{ type: 'MoneyWithdrawn', data: orderId === undefined ? data : { ...data, orderId } }];
};

export const decideAccount = (command: AccountCommand, state: Account): AccountEvent[] => {
  switch (command.type) {
    case 'OpenAccount':
      return [open(command, state)];
    case 'DepositMoney':
      return deposit(command, state);
    case 'WithdrawMoney':
      return withdraw(command, state);
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${(unknown as AccountCommand).type}`);
    }
  }
};

export const accountDecider: Decider<AccountCommand, AccountEvent, Account> = {
  decide: decideAccount,
  evolve: evolveAccount,
  initialState: initialAccount,
};
