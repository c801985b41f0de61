import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';
import {
  accountFromStored, transactionFromStored, type AccountRow, type StoredAccount, type StoredTransaction, type TransactionRow,
} from '#infra/read-models/account-statement.table';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { DEFAULT_PAGE_SIZE, type PageQueryDto } from '../shared/list-query.dto.js';

export type AccountView = AccountRow;
export type TransactionView = Omit<TransactionRow, 'accountId'>;

const toTransactionView = (r: StoredTransaction): TransactionView => {
  const { accountId: _accountId, ...line } = transactionFromStored(r);
  return line;
};

export const isRevisionKey = (key: unknown[]): key is [number] => key.length === 1 && Number.isSafeInteger(key[0]);

@Injectable()
export class AccountQueries {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async byId(accountId: string): Promise<AccountView | null> {
    const { rows } = await this.pool.query<StoredAccount>('SELECT * FROM account_statement WHERE account_id = $1', [accountId]);
    return rows[0] ? accountFromStored(rows[0]) : null;
  }

  /** Oldest first, like a bank statement; keyset-paginated on the stream revision. */
  async transactions(accountId: string, query: PageQueryDto): Promise<{ items: TransactionView[]; nextCursor: string | null }> {
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
