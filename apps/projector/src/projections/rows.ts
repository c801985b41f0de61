import type { EventEnvelope, KnownEvent } from '#events';
import type { PoolClient } from '#infra/postgres/pool';
import { insertRecordsSql, qualified, recordParams, type TableSpec } from '#infra/read-models/read-model.table';
import type { ApplyOutcome, ProjectionBuilder } from './projection.js';

/** A read model's table of one row per stream, as its projection reads and writes it. */
export interface RowTable<Row> {
  /** The rows of these ids that exist, locked for the caller's transaction. */
  select(client: PoolClient, schema: string, ids: readonly string[]): Promise<Map<string, Row>>;
  /** Inserts these rows, or updates them where they exist. */
  upsert(client: PoolClient, schema: string, rows: readonly Row[]): Promise<void>;
  /** What a row weighs in memory, in units of about one small row; 1 when absent. */
  weight?(row: Row): number;
}

/** A table keyed by one id column: its rows as `pg` returns them, and as the projection writes them. */
export interface KeyedTable<Stored, Row> {
  readonly spec: TableSpec;
  readonly idColumn: keyof Stored & string;
  readonly fromStored: (stored: Stored) => Row;
  readonly toRecord: (row: Row) => Record<string, unknown>;
  /** The columns an update sets (the others never change once the row is inserted). */
  readonly updated: readonly string[];
  readonly weight?: (row: Row) => number;
}

/** Selects locked in id order (so concurrent batches lock in the same order) and upserts by the id column. */
export const keyedRowTable = <Stored extends object, Row>(table: KeyedTable<Stored, Row>): RowTable<Row> => ({
  async select(client, schema, ids) {
    const id = table.idColumn;
    const { rows } = await client.query<Stored>(`SELECT * FROM ${qualified(schema, table.spec.name)} WHERE ${id} = ANY($1) ORDER BY ${id} FOR UPDATE`, [ids]);
    return new Map(rows.map((r) => [String(r[table.idColumn]), table.fromStored(r)]));
  },
  async upsert(client, schema, rows) {
    await client.query(
      `${insertRecordsSql(schema, table.spec)} ON CONFLICT (${table.idColumn}) DO UPDATE SET ${table.updated.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`,
      recordParams(table.spec, rows.map(table.toRecord)),
    );
  },
  ...(table.weight ? { weight: table.weight } : {}),
});

/**
 * Where a projection's `apply` finds the current rows of a batch's streams and puts back the ones
 * it changed. `ids` maps each id to the lowest stream revision the batch holds for it.
 */
export interface Rows<Row> {
  current(ids: ReadonlyMap<string, number>): Promise<Map<string, Row>>;
  changed(rows: ReadonlyMap<string, Row>): Promise<void>;
}

/** The live way: read from the table (locked) and written back in the caller's transaction, every batch. */
export const tableRows = <Row>(table: RowTable<Row>, client: PoolClient, schema: string): Rows<Row> => ({
  current: (ids) => table.select(client, schema, [...ids.keys()]),
  changed: async (rows) => {
    if (rows.size) await table.upsert(client, schema, [...rows.values()]);
  },
});

/** Rows per statement when held rows are written. */
const WRITE_CHUNK = 5_000;
/** Weight held by default: tens of MB of small rows. */
export const DEFAULT_HELD_WEIGHT = 50_000;

/**
 * A rebuild's way, writing behind: the only writer of a table it fills from the start of the log
 * keeps the rows it folded in memory and writes each one once, when it is evicted (least recently
 * changed first, past `maxWeight`) or at `flush()`, not again for every page that changes it (an
 * account's balance, an order's row). It reads each event once, in log order: a row it does not
 * hold is new when its stream's events in the page start at revision 0; otherwise it was written
 * out and is read back from the table.
 */
export class HeldRows<Row> implements Rows<Row> {
  /** Rows changed and not yet written, least recently changed first (a Map keeps insertion order). */
  private readonly held = new Map<string, { row: Row; weight: number }>();
  private heldWeight = 0;

  constructor(
    private readonly table: RowTable<Row>,
    private readonly client: PoolClient,
    private readonly schema: string,
    private readonly maxWeight = DEFAULT_HELD_WEIGHT,
  ) {}

  async current(ids: ReadonlyMap<string, number>): Promise<Map<string, Row>> {
    const found = new Map<string, Row>();
    const missing: string[] = [];
    for (const [id, lowest] of ids) {
      const entry = this.held.get(id);
      if (entry) found.set(id, entry.row);
      else if (lowest > 0) missing.push(id);
    }
    if (missing.length) for (const [id, row] of await this.table.select(this.client, this.schema, missing)) found.set(id, row);
    return found;
  }

  async changed(rows: ReadonlyMap<string, Row>): Promise<void> {
    for (const [id, row] of rows) {
      const before = this.held.get(id);
      if (before) {
        this.heldWeight -= before.weight;
        this.held.delete(id); // set again below, last: the most recently changed
      }
      const weight = this.table.weight?.(row) ?? 1;
      this.held.set(id, { row, weight });
      this.heldWeight += weight;
    }
    if (this.heldWeight <= this.maxWeight) return;
    // Past the limit, the least recently changed tenth goes.
    const out: Row[] = [];
    for (const [id, entry] of this.held) {
      if (this.heldWeight <= this.maxWeight * 0.9) break;
      this.held.delete(id);
      this.heldWeight -= entry.weight;
      out.push(entry.row);
    }
    await this.write(out);
  }

  /** Writes every row it holds and lets them go. */
  async flush(): Promise<void> {
    const out = [...this.held.values()].map((e) => e.row);
    this.held.clear();
    this.heldWeight = 0;
    await this.write(out);
  }

  private async write(rows: readonly Row[]): Promise<void> {
    for (let i = 0; i < rows.length; i += WRITE_CHUNK) await this.table.upsert(this.client, this.schema, rows.slice(i, i + WRITE_CHUNK));
  }
}

/** The lowest stream revision of each id's events in the batch, for `Rows.current`. */
export const lowestRevisions = (events: readonly EventEnvelope<KnownEvent>[], idOf: (event: EventEnvelope<KnownEvent>) => string): Map<string, number> => {
  const lowest = new Map<string, number>();
  for (const event of events) {
    const id = idOf(event);
    const known = lowest.get(id);
    if (known === undefined || event.streamRevision < known) lowest.set(id, event.streamRevision);
  }
  return lowest;
};

/** A projection's apply, with where its rows come from and go to. */
export type ApplyWith<Row> = (client: PoolClient, schema: string, events: readonly EventEnvelope<KnownEvent>[], rows: Rows<Row>) => Promise<ApplyOutcome>;

/** A rebuild's builder for a projection whose rows are written behind (`HeldRows`). */
export const writingBehind = <Row>(table: RowTable<Row>, apply: ApplyWith<Row>, client: PoolClient, schema: string, maxWeight?: number): ProjectionBuilder => {
  const rows = new HeldRows(table, client, schema, maxWeight);
  return { apply: (events) => apply(client, schema, events, rows), flush: () => rows.flush() };
};
