import type { Command } from '#eventsourcing';

export type OpenAccount = Command<'OpenAccount', { accountId: string; ownerName: string; currency: string }>;
/** `refundOf`: the deposit refunds that order's payment (once). */
export type DepositMoney = Command<'DepositMoney', { accountId: string; amount: number; currency: string; description?: string; refundOf?: string }>;
/** `orderId`: the withdrawal pays that order (once). */
export type WithdrawMoney = Command<'WithdrawMoney', { accountId: string; amount: number; currency: string; description?: string; orderId?: string }>;

export type AccountCommand = OpenAccount | DepositMoney | WithdrawMoney;
