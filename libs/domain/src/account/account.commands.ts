import type { DomainCommand } from '../shared/actor.js';

/** The account's owner is the actor who opens it. */
export type OpenAccount = DomainCommand<'OpenAccount', { accountId: string; ownerName: string; currency: string }>;
/** `refundOf`: the deposit refunds that order's payment (once). */
export type DepositMoney = DomainCommand<'DepositMoney', { accountId: string; amount: number; currency: string; description?: string; refundOf?: string }>;
/**
 * `orderId`: the withdrawal pays that order (once), for `customerId`, the order's customer, who
 * must own the account.
 */
export type WithdrawMoney = DomainCommand<
  'WithdrawMoney',
  { accountId: string; amount: number; currency: string; description?: string; orderId?: string; customerId?: string }
>;

export type AccountCommand = OpenAccount | DepositMoney | WithdrawMoney;
