/**
 * Read models live in schema `public`. A rebuild fills the same tables in a shadow schema and
 * swaps them in with ALTER TABLE ... SET SCHEMA in one transaction, so each table's DDL must work
 * in any schema (projections qualify table names with the schema they write to).
 */
/** The order_history DDL as migration 002 shipped it (005 added payment_status). */
const orderHistoryTablesAt002 = (schema: string): string => `
  CREATE TABLE ${schema}.order_history (
    order_id text PRIMARY KEY,
    customer_id text NOT NULL,
    account_id text NOT NULL,
    currency text NOT NULL,
    items jsonb NOT NULL,
    total bigint NOT NULL,
    status text NOT NULL,
    cancel_reason text,
    created_at timestamptz NOT NULL,
    cancelled_at timestamptz,
    shipped_at timestamptz,
    status_history jsonb NOT NULL,
    revision bigint NOT NULL,
    updated_at timestamptz NOT NULL
  );
  CREATE INDEX ON ${schema}.order_history (customer_id, created_at DESC, order_id DESC);
`;

/** The order_history table as it is now (rebuilds create it in a shadow schema); keep it equal to 002 + 005. */
export const orderHistoryTables = (schema: string): string => `
  CREATE TABLE ${schema}.order_history (
    order_id text PRIMARY KEY,
    customer_id text NOT NULL,
    account_id text NOT NULL,
    currency text NOT NULL,
    items jsonb NOT NULL,
    total bigint NOT NULL,
    status text NOT NULL,
    cancel_reason text,
    created_at timestamptz NOT NULL,
    cancelled_at timestamptz,
    shipped_at timestamptz,
    status_history jsonb NOT NULL,
    revision bigint NOT NULL,
    updated_at timestamptz NOT NULL,
    payment_status text NOT NULL DEFAULT 'pending'
  );
  CREATE INDEX ON ${schema}.order_history (customer_id, created_at DESC, order_id DESC);
`;

export const accountStatementTables = (schema: string): string => `
  CREATE TABLE ${schema}.account_statement (
    account_id text PRIMARY KEY,
    owner_name text NOT NULL,
    currency text NOT NULL,
    balance bigint NOT NULL,
    opened_at timestamptz NOT NULL,
    revision bigint NOT NULL,
    updated_at timestamptz NOT NULL
  );
  CREATE TABLE ${schema}.account_transactions (
    account_id text NOT NULL,
    revision bigint NOT NULL,
    event_id uuid NOT NULL,
    kind text NOT NULL,
    amount bigint NOT NULL,
    balance_after bigint NOT NULL,
    description text,
    occurred_at timestamptz NOT NULL,
    PRIMARY KEY (account_id, revision)
  );
`;

export const readModels = {
  id: '002-read-models',
  sql: `
    ${orderHistoryTablesAt002('public')}
    ${accountStatementTables('public')}
    CREATE TABLE projection_state (
      name text PRIMARY KEY,
      status text NOT NULL,
      rebuilt_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `,
};
