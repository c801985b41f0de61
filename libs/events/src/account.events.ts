import type { DomainEvent } from './envelope.js';
import type { CurrencyCode, MinorUnits } from './money.js';

export type AccountOpened = DomainEvent<
  'AccountOpened',
  {
    accountId: string; ownerName: string; currency: CurrencyCode; openedAt: string;
    /** The subject of the token that opened it (schema 2); null for accounts opened before owners were recorded. */
    ownerId: string | null;
  }
>;
export type MoneyDeposited = DomainEvent<
  'MoneyDeposited',
  {
    accountId: string; amount: MinorUnits; currency: CurrencyCode; description: string | null; depositedAt: string;
    /** Set when the deposit refunds the payment of this order (absent in events written before). */
    refundOf?: string | null;
  }
>;
export type MoneyWithdrawn = DomainEvent<
  'MoneyWithdrawn',
  {
    accountId: string; amount: MinorUnits; currency: CurrencyCode; description: string | null; withdrawnAt: string;
    /** Set when the withdrawal pays this order (absent in events written before). */
    orderId?: string | null;
  }
>;

export type AccountEvent = AccountOpened | MoneyDeposited | MoneyWithdrawn;
export const ACCOUNT_EVENT_TYPES = ['AccountOpened', 'MoneyDeposited', 'MoneyWithdrawn'] as const satisfies readonly AccountEvent['type'][];
