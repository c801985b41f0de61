import type { Command } from '../shared/decider.js';

export type OpenAccount = Command<'OpenAccount', { accountId: string; ownerName: string; currency: string }>;
export type DepositMoney = Command<'DepositMoney', { accountId: string; amount: number; currency: string; description?: string }>;
export type WithdrawMoney = Command<'WithdrawMoney', { accountId: string; amount: number; currency: string; description?: string }>;

export type AccountCommand = OpenAccount | DepositMoney | WithdrawMoney;
