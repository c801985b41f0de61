/**
 * A read-model table written once: its DDL, its column list and the INSERT that writes records
 * keyed by column name. The DDL takes the schema, because a rebuild fills the same tables in a
 * shadow schema and swaps them in (see migration 002).
 */
export interface ColumnSpec {
  readonly name: string;
  /** The column's type, also its type in jsonb_to_recordset. */
  readonly type: string;
  readonly constraints?: string;
}

export interface TableSpec {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
  /** A primary key over several columns (a single-column key is a constraint of its column). */
  readonly primaryKey?: readonly string[];
  /** Index definitions, e.g. `(customer_id, created_at DESC)`. */
  readonly indexes?: readonly string[];
}

/** `"schema"."table"`, for identifiers that come from code, never from users. */
export const qualified = (schema: string, table: string): string => `"${schema}"."${table}"`;

export const columnSql = (column: ColumnSpec): string => [column.name, column.type, column.constraints].filter(Boolean).join(' ');

export const createTableSql = (schema: string, table: TableSpec): string => {
  const definitions = [...table.columns.map(columnSql), ...(table.primaryKey ? [`PRIMARY KEY (${table.primaryKey.join(', ')})`] : [])];
  const indexes = (table.indexes ?? []).map((index) => `CREATE INDEX ON ${schema}.${table.name} ${index};`);
  return [`CREATE TABLE ${schema}.${table.name} (\n    ${definitions.join(',\n    ')}\n  );`, ...indexes].join('\n  ');
};

export const columnNames = (table: TableSpec): string[] => table.columns.map((c) => c.name);

/** INSERT ... SELECT from `$1`, a JSON array of records keyed by column name; append an ON CONFLICT clause. */
export const insertRecordsSql = (schema: string, table: TableSpec): string => {
  const names = columnNames(table).join(', ');
  const recordset = table.columns.map((c) => `${c.name} ${c.type}`).join(', ');
  return `INSERT INTO ${qualified(schema, table.name)} (${names}) SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS r(${recordset})`;
};
