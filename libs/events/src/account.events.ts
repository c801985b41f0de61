import type { DomainEvent } from './envelope.js';
import type { CurrencyCode, MinorUnits } from './money.js';

export type AccountOpened = DomainEvent<
  'AccountOpened',
  { accountId: string; ownerName: string; currency: CurrencyCode; openedAt: string }
>;
export type MoneyDeposited = DomainEvent<
  'MoneyDeposited',
  { accountId: string; amount: MinorUnits; currency: CurrencyCode; description: string | null; depositedAt: string }
>;
export type MoneyWithdrawn = DomainEvent<
  'MoneyWithdrawn',
  { accountId: string; amount: MinorUnits; currency: CurrencyCode; description: string | null; withdrawnAt: string }
>;

export type AccountEvent = AccountOpened | MoneyDeposited | MoneyWithdrawn;
export const ACCOUNT_EVENT_TYPES = ['AccountOpened', 'MoneyDeposited', 'MoneyWithdrawn'] as const satisfies readonly AccountEvent['type'][];
