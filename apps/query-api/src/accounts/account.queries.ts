import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '#infra/auth/principal';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';
import {
  accountFromStored, transactionFromStored, type AccountRow, type StoredAccount, type StoredTransaction, type TransactionRow,
} from '#infra/read-models/account-statement.table';
import { ownerFilter, readerOf } from '../access/reader.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { DEFAULT_PAGE_SIZE, type PageQueryDto } from '../shared/list-query.dto.js';

export type AccountView = AccountRow;
export type TransactionView = Omit<TransactionRow, 'accountId'>;

const toTransactionView = (r: StoredTransaction): TransactionView => {
  const { accountId: _accountId, ...line } = transactionFromStored(r);
  return line;
};

export const isRevisionKey = (key: unknown[]): key is [number] => key.length === 1 && Number.isSafeInteger(key[0]);

/**
 * The accounts and their statements, as the caller may see them: a customer their own accounts
 * (owner_id is their subject), an operator every account. An account the caller may not see is
 * not there for them (null), like a missing one.
 */
@Injectable()
export class AccountQueries {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async byId(caller: Principal, accountId: string): Promise<AccountView | null> {
    const { rows } = await this.pool.query<StoredAccount>(
      'SELECT * FROM account_statement WHERE account_id = $1 AND ($2::text IS NULL OR owner_id = $2)',
      [accountId, ownerFilter(readerOf(caller))],
    );
    return rows[0] ? accountFromStored(rows[0]) : null;
  }

  /** Oldest first, like a bank statement; keyset-paginated on the stream revision. Null when the account is not there for the caller. */
  async transactions(caller: Principal, accountId: string, query: PageQueryDto): Promise<{ items: TransactionView[]; nextCursor: string | null } | null> {
    if (!(await this.byId(caller, accountId))) return null;
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = query.cursor ? decodeCursor<[number]>(query.cursor, isRevisionKey)[0] : -1;
    const { rows } = await this.pool.query<StoredTransaction>(
      `SELECT * FROM account_transactions
       WHERE account_id = $1 AND revision > $2 ORDER BY revision LIMIT $3`,
      [accountId, after, limit + 1],
    );
    const page = rows.slice(0, limit).map(toTransactionView);
    const last = page[page.length - 1];
    return { items: page, nextCursor: rows.length > limit && last ? encodeCursor([last.revision]) : null };
  }
}
