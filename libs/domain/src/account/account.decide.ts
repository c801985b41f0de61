import type { AccountEvent, AccountOpened, MoneyDeposited, MoneyWithdrawn } from '#events';
import type { Decider } from '#eventsourcing';
import { hasRole, requireRole, type Actor } from '../shared/actor.js';
import { ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '../shared/errors.js';
import { assertCurrency, assertPositiveAmount } from '../shared/money.rules.js';
import type { AccountCommand, DepositMoney, OpenAccount, WithdrawMoney } from './account.commands.js';
import { accountSnapshot, evolveAccount, initialAccount, type Account } from './account.state.js';

type OpenState = Extract<Account, { status: 'Open' }>;

const openAccountOf = (state: Account, accountId: string): OpenState => {
  if (state.status !== 'Open') throw new NotFoundError('Account', accountId);
  return state;
};

/** The account, if it is open and the actor owns it; to anyone else it does not exist. */
const ownAccountOf = (state: Account, accountId: string, actor: Actor): OpenState => {
  const account = openAccountOf(state, accountId);
  if (account.ownerId === null || account.ownerId !== actor.subject) throw new NotFoundError('Account', accountId);
  return account;
};

/**
 * Who may put money in: the owner (a top-up), an operator (anywhere), or the payment saga giving
 * back an order's payment. Nobody else learns that the account exists.
 */
const depositable = (cmd: DepositMoney, state: Account): OpenState => {
  const { actor } = cmd.metadata;
  if (cmd.data.refundOf !== undefined) {
    requireRole(actor, ['payment-service'], 'refund an order');
    return openAccountOf(state, cmd.data.accountId);
  }
  if (hasRole(actor, 'operator')) return openAccountOf(state, cmd.data.accountId);
  requireRole(actor, ['customer'], 'deposit money');
  return ownAccountOf(state, cmd.data.accountId, actor);
};

/**
 * Who may take money out: the owner, or the payment saga paying an order whose customer owns the
 * account. Operators move no money out.
 */
const withdrawable = (cmd: WithdrawMoney, state: Account): OpenState => {
  const { actor } = cmd.metadata;
  if (hasRole(actor, 'payment-service')) {
    const { orderId, customerId } = cmd.data;
    if (orderId === undefined || customerId === undefined) throw new ForbiddenError("The payment service withdraws only to pay an order, for the order's customer");
    const account = openAccountOf(state, cmd.data.accountId);
    if (account.ownerId === null || account.ownerId !== customerId) {
      throw new IllegalStateError('not_account_owner', `Account ${account.accountId} does not belong to the customer of order ${orderId}`);
    }
    return account;
  }
  requireRole(actor, ['customer'], 'withdraw money');
  if (cmd.data.orderId !== undefined) throw new ForbiddenError('Only the payment service pays orders');
  return ownAccountOf(state, cmd.data.accountId, actor);
};

const assertSameCurrency = (state: OpenState, currency: string): void => {
  assertCurrency(currency);
  if (currency !== state.currency) {
    throw new IllegalStateError('currency_mismatch', `Account ${state.accountId} holds ${state.currency}, not ${currency}`);
  }
};

export const open = (cmd: OpenAccount, state: Account): AccountOpened => {
  requireRole(cmd.metadata.actor, ['customer'], 'open accounts');
  if (state.status !== 'None') throw new IllegalStateError('account_already_open', `Account ${cmd.data.accountId} is already open`);
  assertCurrency(cmd.data.currency);
  const ownerName = cmd.data.ownerName.trim();
  if (ownerName === '') throw new ValidationError('invalid_owner_name', 'ownerName must not be blank');
  return {
    type: 'AccountOpened',
    data: { accountId: cmd.data.accountId, ownerName, currency: cmd.data.currency, openedAt: cmd.metadata.now, ownerId: cmd.metadata.actor.subject },
  };
};

export const deposit = (cmd: DepositMoney, state: Account): MoneyDeposited[] => {
  const account = depositable(cmd, state);
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
  const account = withdrawable(cmd, state);
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
  snapshot: accountSnapshot,
};
