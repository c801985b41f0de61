import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { DEFAULT_PAGE_SIZE, type PageQueryDto } from '../shared/list-query.dto.js';

interface AccountRow {
  account_id: string; owner_name: string; currency: string; balance: string; opened_at: Date; revision: string; updated_at: Date;
}
interface TransactionRow {
  revision: string; event_id: string; kind: string; amount: string; balance_after: string; description: string | null; occurred_at: Date;
}

const toAccountView = (r: AccountRow) => ({
  accountId: r.account_id,
  ownerName: r.owner_name,
  currency: r.currency,
  balance: Number(r.balance),
  openedAt: r.opened_at.toISOString(),
  revision: Number(r.revision),
  updatedAt: r.updated_at.toISOString(),
});
export type AccountView = ReturnType<typeof toAccountView>;

const toTransactionView = (r: TransactionRow) => ({
  revision: Number(r.revision),
  eventId: r.event_id,
  kind: r.kind,
  amount: Number(r.amount),
  balanceAfter: Number(r.balance_after),
  description: r.description,
  occurredAt: r.occurred_at.toISOString(),
});
export type TransactionView = ReturnType<typeof toTransactionView>;

export const isRevisionKey = (key: unknown[]): key is [number] => key.length === 1 && Number.isSafeInteger(key[0]);

@Injectable()
export class AccountQueries {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async byId(accountId: string): Promise<AccountView | null> {
    const { rows } = await this.pool.query<AccountRow>('SELECT * FROM account_statement WHERE account_id = $1', [accountId]);
    return rows[0] ? toAccountView(rows[0]) : null;
  }

  /** Oldest first, like a bank statement; keyset-paginated on the stream revision. */
  async transactions(accountId: string, query: PageQueryDto): Promise<{ items: TransactionView[]; nextCursor: string | null }> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = query.cursor ? decodeCursor<[number]>(query.cursor, isRevisionKey)[0] : -1;
    const { rows } = await this.pool.query<TransactionRow>(
      `SELECT revision, event_id, kind, amount, balance_after, description, occurred_at FROM account_transactions
       WHERE account_id = $1 AND revision > $2 ORDER BY revision LIMIT $3`,
      [accountId, after, limit + 1],
    );
    const page = rows.slice(0, limit).map(toTransactionView);
    const last = page[page.length - 1];
    return { items: page, nextCursor: rows.length > limit && last ? encodeCursor([last.revision]) : null };
  }
}
