import { addOwnerIdSql } from '../../read-models/account-statement.table.js';

/**
 * Who owns what, for the read side and the payment saga: the account's owner (from AccountOpened
 * schema 2; null for older accounts) and the customer a saga pays for (null for older sagas). No
 * index: accounts are read by id, sagas by order. Accounts already projected from schema-2 events
 * get their owner from the PostgreSQL event store here; with EventStoreDB, rebuild the projection.
 */
export const owners = {
  id: '008-owners',
  sql: `
    ${addOwnerIdSql}
    UPDATE account_statement s SET owner_id = e.data->>'ownerId'
      FROM events e
      WHERE e.stream_id = 'account-' || s.account_id AND e.stream_revision = 0 AND e.type = 'AccountOpened';
    ALTER TABLE payment_sagas ADD COLUMN customer_id text;
  `,
};
