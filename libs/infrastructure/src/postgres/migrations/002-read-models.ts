import { accountStatementDdlAt002 } from '../../read-models/account-statement.table.js';
import { orderHistoryDdlAt002 } from '../../read-models/order-history.table.js';

/**
 * Read models live in schema `public`. A rebuild fills the same tables in a shadow schema and
 * swaps them in with ALTER TABLE ... SET SCHEMA in one transaction, so each table's DDL must work
 * in any schema; the modules in read-models/ own it.
 */
export const readModels = {
  id: '002-read-models',
  sql: `
    ${orderHistoryDdlAt002('public')}
    ${accountStatementDdlAt002('public')}
    CREATE TABLE projection_state (
      name text PRIMARY KEY,
      status text NOT NULL,
      rebuilt_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `,
};
