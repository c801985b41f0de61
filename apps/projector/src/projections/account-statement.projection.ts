import type { AccountEvent, EventEnvelope, KnownEvent } from '#events';
import {
  ACCOUNT_STATEMENT, ACCOUNT_TRANSACTIONS, accountFromStored, accountRecord, accountStatementDdl, transactionRecord,
  type AccountRow, type StoredAccount, type TransactionRow,
} from '#infra/read-models/account-statement.table';
import { ACCOUNT_STATEMENT_PARKED, parkedStreamsDdl } from '#infra/read-models/parked-streams.table';
import { insertRecordsSql, recordParams } from '#infra/read-models/read-model.table';
import { loadParked, saveParked } from './parked-streams.js';
import { ProjectionError, type ApplyOutcome, type Projection } from './projection.js';
import { inRevisionOrder, rejectingInto } from './revision-order.js';
import { keyedRowTable, lowestRevisions, tableRows, writingBehind, type ApplyWith } from './rows.js';

/** Balance per account, and one statement line per deposit or withdrawal. */
export const evolveAccountStatement = (
  row: AccountRow | null,
  event: EventEnvelope<AccountEvent>,
): { account: AccountRow; transaction: TransactionRow | null } => {
  const e = { type: event.type, data: event.data } as AccountEvent;
  const base = { revision: event.streamRevision, updatedAt: event.occurredAt };
  if (e.type === 'AccountOpened') {
    if (row) throw new ProjectionError(`Account ${e.data.accountId} is opened twice`);
    const { accountId, ownerName, ownerId, currency, openedAt } = e.data;
    return { account: { accountId, ownerName, ownerId, currency, balance: 0, openedAt, ...base }, transaction: null };
  }
  if (!row) throw new ProjectionError(`${e.type} for account ${e.data.accountId}, which was never opened`);
  const deposit = e.type === 'MoneyDeposited';
  const balance = row.balance + (deposit ? e.data.amount : -e.data.amount);
  return {
    account: { ...row, balance, ...base },
    transaction: {
      accountId: row.accountId,
      revision: event.streamRevision,
      eventId: event.eventId,
      kind: deposit ? 'deposit' : 'withdrawal',
      amount: e.data.amount,
      balanceAfter: balance,
      description: e.data.description,
      occurredAt: deposit ? e.data.depositedAt : e.data.withdrawnAt,
    },
  };
};

const accountOf = (event: EventEnvelope<KnownEvent>): string => (event as EventEnvelope<AccountEvent>).data.accountId;

/** One row per account: its balance. */
const ACCOUNTS = keyedRowTable<StoredAccount, AccountRow>({
  spec: ACCOUNT_STATEMENT,
  idColumn: 'account_id',
  fromStored: accountFromStored,
  toRecord: accountRecord,
  updated: ['balance', 'revision', 'updated_at'],
});

const applyAccountStatement: ApplyWith<AccountRow> = async (client, schema, events, rows) => {
  const current = await rows.current(lowestRevisions(events, accountOf));
  const parked = await loadParked(client, schema, ACCOUNT_STATEMENT_PARKED, [...new Set(events.map((e) => e.streamId))]);
  const changed = new Map<string, AccountRow>();
  const transactions: TransactionRow[] = [];
  const rejected: ApplyOutcome['rejected'][number][] = [];
  const outcome = inRevisionOrder(
    events,
    parked,
    (event) => current.get(accountOf(event))?.revision ?? -1,
    rejectingInto(rejected, (event) => {
      const next = evolveAccountStatement(current.get(accountOf(event)) ?? null, event as EventEnvelope<AccountEvent>);
      current.set(next.account.accountId, next.account);
      changed.set(next.account.accountId, next.account);
      if (next.transaction) transactions.push(next.transaction);
    }),
  );
  await rows.changed(changed);
  if (transactions.length) {
    await client.query(insertRecordsSql(schema, ACCOUNT_TRANSACTIONS), recordParams(ACCOUNT_TRANSACTIONS, transactions.map(transactionRecord)));
  }
  await saveParked(client, schema, ACCOUNT_STATEMENT_PARKED, outcome.streams);
  return { applied: outcome.applied, skipped: outcome.skipped, parked: outcome.parked, rejected };
};

export const accountStatementProjection: Projection = {
  name: 'account-statement',
  categories: ['account'],
  tables: [ACCOUNT_STATEMENT.name, ACCOUNT_TRANSACTIONS.name],
  idColumn: 'account_id',
  parkedTable: ACCOUNT_STATEMENT_PARKED.name,
  createTables: (schema) => `${accountStatementDdl(schema)}\n  ${parkedStreamsDdl(schema, ACCOUNT_STATEMENT_PARKED)}`,
  apply: (client, schema, events) => applyAccountStatement(client, schema, events, tableRows(ACCOUNTS, client, schema)),
  // The statement lines are written with each page; the balances once, behind.
  builder: (client, schema, heldWeight) => writingBehind(ACCOUNTS, applyAccountStatement, client, schema, heldWeight),
};
