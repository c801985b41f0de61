import { createTableSql, type TableSpec } from './read-model.table.js';

/**
 * The streams a projection stopped applying at a gap: the revision it needs next, the first one
 * it saw instead and when, and the events that arrived since (in revision order), applied once
 * the missing one comes. One table per projection, next to its read model, so a rebuild builds
 * and swaps it with the read model's tables.
 */
export const parkedStreamsTable = (readModel: string): TableSpec => ({
  name: `${readModel}_parked_streams`,
  columns: [
    { name: 'stream_id', type: 'text', constraints: 'PRIMARY KEY' },
    { name: 'expected_revision', type: 'bigint', constraints: 'NOT NULL' },
    { name: 'seen_revision', type: 'bigint', constraints: 'NOT NULL' },
    { name: 'parked_at', type: 'timestamptz', constraints: 'NOT NULL DEFAULT now()' },
    { name: 'waiting', type: 'jsonb', constraints: 'NOT NULL' },
  ],
});

export const ACCOUNT_STATEMENT_PARKED = parkedStreamsTable('account_statement');
export const ORDER_HISTORY_PARKED = parkedStreamsTable('order_history');

/** Unchanged since migration 007. */
export const parkedStreamsDdl = (schema: string, table: TableSpec): string => createTableSql(schema, table);
