import {
  ACCOUNT_STATEMENT, ACCOUNT_TRANSACTIONS, accountRecord, accountStatementDdl, accountStatementDdlAt002, addOwnerIdSql, transactionFromStored, transactionRecord,
} from './account-statement.table.js';
import {
  ORDER_HISTORY, addPaymentStatusSql, orderHistoryDdl, orderHistoryDdlAt002, orderHistoryFromStored, orderHistoryRecord, type StoredOrderHistory,
} from './order-history.table.js';
import { columnNames, insertRecordsSql, recordParams } from './read-model.table.js';

const at = new Date('2026-11-24T10:00:00.000Z');
const storedOrder: StoredOrderHistory = {
  order_id: 'o1', customer_id: 'c1', account_id: 'a1', currency: 'EUR', items: [{ sku: 'S', name: 'N', quantity: 2, unitPrice: 150 }],
  total: '300', status: 'cancelled', cancel_reason: 'late', created_at: at, cancelled_at: at, shipped_at: null,
  status_history: [{ status: 'created', at: at.toISOString(), revision: 0 }], revision: '1', updated_at: at, payment_status: 'unpaid',
};

describe('read-model tables', () => {
  it('maps a stored order to its row and the row to a record of every column', () => {
    const row = orderHistoryFromStored(storedOrder);
    expect(row).toMatchObject({ orderId: 'o1', total: 300, revision: 1, createdAt: at.toISOString(), shippedAt: null, paymentStatus: 'unpaid' });
    expect(Object.keys(orderHistoryRecord(row))).toEqual(columnNames(ORDER_HISTORY));
  });

  it('writes every column of the account tables', () => {
    const line = transactionFromStored({
      account_id: 'a1', revision: '2', event_id: 'e', kind: 'deposit', amount: '5', balance_after: '7', description: null, occurred_at: at,
    });
    expect(line).toEqual({ accountId: 'a1', revision: 2, eventId: 'e', kind: 'deposit', amount: 5, balanceAfter: 7, description: null, occurredAt: at.toISOString() });
    expect(Object.keys(transactionRecord(line))).toEqual(columnNames(ACCOUNT_TRANSACTIONS));
    const account = { accountId: 'a1', ownerName: 'Ada', ownerId: 's1', currency: 'EUR', balance: 7, openedAt: '', revision: 2, updatedAt: '' };
    expect(Object.keys(accountRecord(account))).toEqual(columnNames(ACCOUNT_STATEMENT));
  });

  it('creates order_history at 002 without the column 005 adds, and as it is now with it', () => {
    expect(orderHistoryDdlAt002('public')).not.toContain('payment_status');
    expect(orderHistoryDdl('public')).toContain("payment_status text NOT NULL DEFAULT 'pending'\n");
    expect(addPaymentStatusSql).toBe("ALTER TABLE order_history ADD COLUMN payment_status text NOT NULL DEFAULT 'pending';");
    expect(insertRecordsSql('rebuild_x', ACCOUNT_TRANSACTIONS)).toContain('INSERT INTO "rebuild_x"."account_transactions" (account_id, revision,');
  });

  it('inserts records from one typed array per column, in the column order, absent values as null; with jsonb columns, from one JSON array', () => {
    const plain = { name: 't', columns: [{ name: 'id', type: 'text' }, { name: 'n', type: 'bigint' }] };
    expect(insertRecordsSql('s', plain)).toBe('INSERT INTO "s"."t" (id, n) SELECT * FROM unnest($1::text[], $2::bigint[])');
    expect(recordParams(plain, [{ n: 2, id: 'a' }, { id: 'b' }])).toEqual([['a', 'b'], [2, null]]);
    const withJson = { name: 'j', columns: [{ name: 'id', type: 'text' }, { name: 'doc', type: 'jsonb' }] };
    expect(insertRecordsSql('s', withJson)).toBe('INSERT INTO "s"."j" (id, doc) SELECT id, doc FROM jsonb_to_recordset($1::jsonb) AS r(id text, doc jsonb)');
    expect(recordParams(withJson, [{ id: 'a', doc: [1] }])).toEqual(['[{"id":"a","doc":[1]}]']);
  });

  it('creates account_statement at 002 without the owner 008 adds, and as it is now with it', () => {
    expect(accountStatementDdlAt002('public')).not.toContain('owner_id');
    expect(accountStatementDdl('public')).toContain('owner_id text\n');
    expect(addOwnerIdSql).toBe('ALTER TABLE account_statement ADD COLUMN owner_id text;');
  });
});
