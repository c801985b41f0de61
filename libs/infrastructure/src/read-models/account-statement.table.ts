import { columnSql, createTableSql, type ColumnSpec, type TableSpec } from './read-model.table.js';

/** Balance per account. */
export interface AccountRow {
  readonly accountId: string;
  readonly ownerName: string;
  /** The subject who opened it; null for accounts opened before owners were recorded. */
  readonly ownerId: string | null;
  readonly currency: string;
  readonly balance: number;
  readonly openedAt: string;
  readonly revision: number;
  readonly updatedAt: string;
}

/** One statement line per deposit or withdrawal, with the balance after it. */
export interface TransactionRow {
  readonly accountId: string;
  readonly revision: number;
  readonly eventId: string;
  readonly kind: 'deposit' | 'withdrawal';
  readonly amount: number;
  readonly balanceAfter: number;
  readonly description: string | null;
  readonly occurredAt: string;
}

/** The rows as `pg` returns them: bigint as text, timestamptz as Date. */
export interface StoredAccount {
  account_id: string; owner_name: string; currency: string; balance: string; opened_at: Date; revision: string; updated_at: Date;
  owner_id: string | null;
}
export interface StoredTransaction {
  account_id: string; revision: string; event_id: string; kind: TransactionRow['kind']; amount: string; balance_after: string;
  description: string | null; occurred_at: Date;
}

const COLUMNS_AT_002: readonly ColumnSpec[] = [
  { name: 'account_id', type: 'text', constraints: 'PRIMARY KEY' },
  { name: 'owner_name', type: 'text', constraints: 'NOT NULL' },
  { name: 'currency', type: 'text', constraints: 'NOT NULL' },
  { name: 'balance', type: 'bigint', constraints: 'NOT NULL' },
  { name: 'opened_at', type: 'timestamptz', constraints: 'NOT NULL' },
  { name: 'revision', type: 'bigint', constraints: 'NOT NULL' },
  { name: 'updated_at', type: 'timestamptz', constraints: 'NOT NULL' },
];
/** Added by migration 008: who may read the account. */
const OWNER_ID: ColumnSpec = { name: 'owner_id', type: 'text' };

export const ACCOUNT_STATEMENT: TableSpec = {
  name: 'account_statement',
  columns: [...COLUMNS_AT_002, OWNER_ID],
};

export const ACCOUNT_TRANSACTIONS: TableSpec = {
  name: 'account_transactions',
  columns: [
    { name: 'account_id', type: 'text', constraints: 'NOT NULL' },
    { name: 'revision', type: 'bigint', constraints: 'NOT NULL' },
    { name: 'event_id', type: 'uuid', constraints: 'NOT NULL' },
    { name: 'kind', type: 'text', constraints: 'NOT NULL' },
    { name: 'amount', type: 'bigint', constraints: 'NOT NULL' },
    { name: 'balance_after', type: 'bigint', constraints: 'NOT NULL' },
    { name: 'description', type: 'text' },
    { name: 'occurred_at', type: 'timestamptz', constraints: 'NOT NULL' },
  ],
  primaryKey: ['account_id', 'revision'],
};

/** Both tables as they are now (a rebuild creates them in its shadow schema). */
export const accountStatementDdl = (schema: string): string =>
  [createTableSql(schema, ACCOUNT_STATEMENT), createTableSql(schema, ACCOUNT_TRANSACTIONS)].join('\n  ');
/** Both tables as migration 002 created them. */
export const accountStatementDdlAt002 = (schema: string): string =>
  [createTableSql(schema, { ...ACCOUNT_STATEMENT, columns: COLUMNS_AT_002 }), createTableSql(schema, ACCOUNT_TRANSACTIONS)].join('\n  ');
/** What migration 008 added. */
export const addOwnerIdSql = `ALTER TABLE account_statement ADD COLUMN ${columnSql(OWNER_ID)};`;

export const accountRecord = (r: AccountRow): Record<string, unknown> => ({
  account_id: r.accountId, owner_name: r.ownerName, currency: r.currency, balance: r.balance, opened_at: r.openedAt,
  revision: r.revision, updated_at: r.updatedAt, owner_id: r.ownerId,
});

export const transactionRecord = (r: TransactionRow): Record<string, unknown> => ({
  account_id: r.accountId, revision: r.revision, event_id: r.eventId, kind: r.kind, amount: r.amount,
  balance_after: r.balanceAfter, description: r.description, occurred_at: r.occurredAt,
});

/** Key order is the order of query-api's JSON. */
export const accountFromStored = (r: StoredAccount): AccountRow => ({
  accountId: r.account_id,
  ownerName: r.owner_name,
  ownerId: r.owner_id,
  currency: r.currency,
  balance: Number(r.balance),
  openedAt: r.opened_at.toISOString(),
  revision: Number(r.revision),
  updatedAt: r.updated_at.toISOString(),
});

export const transactionFromStored = (r: StoredTransaction): TransactionRow => ({
  accountId: r.account_id,
  revision: Number(r.revision),
  eventId: r.event_id,
  kind: r.kind,
  amount: Number(r.amount),
  balanceAfter: Number(r.balance_after),
  description: r.description,
  occurredAt: r.occurred_at.toISOString(),
});
