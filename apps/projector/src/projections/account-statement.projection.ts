import type { AccountEvent, EventEnvelope, KnownEvent } from '#events';
import type { PoolClient } from '#infra/postgres/pool';
import { accountStatementTables } from '#infra/postgres/migrations/002-read-models';
import { ProjectionError, qualified, type ApplyOutcome, type Projection } from './projection.js';

export interface AccountRow {
  readonly accountId: string;
  readonly ownerName: string;
  readonly currency: string;
  readonly balance: number;
  readonly openedAt: string;
  readonly revision: number;
  readonly updatedAt: string;
}

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

/** Balance per account, and one statement line per deposit or withdrawal. */
export const evolveAccountStatement = (
  row: AccountRow | null,
  event: EventEnvelope<AccountEvent>,
): { account: AccountRow; transaction: TransactionRow | null } => {
  const e = { type: event.type, data: event.data } as AccountEvent;
  const base = { revision: event.streamRevision, updatedAt: event.occurredAt };
  if (e.type === 'AccountOpened') {
    if (row) throw new ProjectionError(`Account ${e.data.accountId} is opened twice`);
    const { accountId, ownerName, currency, openedAt } = e.data;
    return { account: { accountId, ownerName, currency, balance: 0, openedAt, ...base }, transaction: null };
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

interface StoredAccount {
  account_id: string; owner_name: string; currency: string; balance: string; opened_at: Date; revision: string; updated_at: Date;
}

const fromStored = (r: StoredAccount): AccountRow => ({
  accountId: r.account_id, ownerName: r.owner_name, currency: r.currency, balance: Number(r.balance),
  openedAt: r.opened_at.toISOString(), revision: Number(r.revision), updatedAt: r.updated_at.toISOString(),
});

export const accountStatementProjection: Projection = {
  name: 'account-statement',
  categories: ['account'],
  tables: ['account_statement', 'account_transactions'],
  idColumn: 'account_id',
  createTables: accountStatementTables,

  async apply(client: PoolClient, schema: string, events: readonly EventEnvelope<KnownEvent>[]): Promise<ApplyOutcome> {
    const accountEvents = events as readonly EventEnvelope<AccountEvent>[];
    const ids = [...new Set(accountEvents.map((e) => e.data.accountId))];
    const { rows } = await client.query<StoredAccount>(
      `SELECT * FROM ${qualified(schema, 'account_statement')} WHERE account_id = ANY($1) ORDER BY account_id FOR UPDATE`,
      [ids],
    );
    const current = new Map<string, AccountRow>(rows.map((r) => [r.account_id, fromStored(r)]));
    const changed = new Set<string>();
    const transactions: TransactionRow[] = [];
    let applied = 0;
    let skipped = 0;
    const rejected: { event: EventEnvelope<KnownEvent>; error: ProjectionError }[] = [];
    for (const event of accountEvents) {
      const row = current.get(event.data.accountId) ?? null;
      if (row && event.streamRevision <= row.revision) {
        skipped++;
        continue;
      }
      try {
        const next = evolveAccountStatement(row, event);
        current.set(next.account.accountId, next.account);
        changed.add(next.account.accountId);
        if (next.transaction) transactions.push(next.transaction);
        applied++;
      } catch (error) {
        if (!(error instanceof ProjectionError)) throw error;
        rejected.push({ event, error });
      }
    }
    if (changed.size) {
      await client.query(
        `INSERT INTO ${qualified(schema, 'account_statement')} (account_id, owner_name, currency, balance, opened_at, revision, updated_at)
         SELECT "accountId", "ownerName", currency, balance, "openedAt", revision, "updatedAt"
         FROM jsonb_to_recordset($1::jsonb) AS r("accountId" text, "ownerName" text, currency text, balance bigint,
           "openedAt" timestamptz, revision bigint, "updatedAt" timestamptz)
         ON CONFLICT (account_id) DO UPDATE SET balance = EXCLUDED.balance, revision = EXCLUDED.revision, updated_at = EXCLUDED.updated_at`,
        [JSON.stringify([...changed].map((id) => current.get(id)))],
      );
    }
    if (transactions.length) {
      await client.query(
        `INSERT INTO ${qualified(schema, 'account_transactions')}
           (account_id, revision, event_id, kind, amount, balance_after, description, occurred_at)
         SELECT "accountId", revision, "eventId", kind, amount, "balanceAfter", description, "occurredAt"
         FROM jsonb_to_recordset($1::jsonb) AS r("accountId" text, revision bigint, "eventId" uuid, kind text, amount bigint,
           "balanceAfter" bigint, description text, "occurredAt" timestamptz)`,
        [JSON.stringify(transactions)],
      );
    }
    return { applied, skipped, rejected };
  },
};
