import { parseStreamId, upcastEnvelope, type EventEnvelope, type KnownEvent } from '#events';
import { comparePositions, START_OF_LOG, type EventStore, type LogPosition, type ReadAllPage, type StoredEvent } from '#eventsourcing';
import type { Pool, PoolClient } from '#infra/postgres/pool';
import { categoryPattern } from '#infra/event-store/postgres/postgres-event-store';
import { NO_OUTCOME, qualified, type ApplyOutcome, type Projection } from '../projections/projection.js';

export interface RebuildProgress {
  readonly read: number;
  readonly applied: number;
  readonly total: number;
}

export interface RebuildOptions {
  readonly pool: Pool;
  readonly store: EventStore;
  readonly batchSize?: number;
  readonly onProgress?: (progress: RebuildProgress) => void;
}

export interface RebuildResult {
  readonly read: number;
  readonly applied: number;
  readonly rejected: number;
  readonly position: LogPosition;
}

const schemaFor = (projection: Projection, purpose: 'rebuild' | 'retired'): string => `${purpose}_${projection.name.replace(/-/g, '_')}`;
/** Where a rebuild builds a projection's tables. */
export const shadowSchemaOf = (projection: Projection): string => schemaFor(projection, 'rebuild');
/** Its tables and its parked streams: what a rebuild builds, locks and swaps. */
export const tablesOf = (projection: Projection): string[] => [...projection.tables, projection.parkedTable];

/**
 * Inside the caller's transaction (the live tables locked): moves the live tables aside into a
 * retired schema and the shadow tables into their place. `dropSwappedOut` removes both schemas
 * once that transaction has committed.
 */
export const swapIn = async (client: PoolClient, projection: Projection): Promise<void> => {
  const retired = schemaFor(projection, 'retired');
  await client.query(`DROP SCHEMA IF EXISTS "${retired}" CASCADE; CREATE SCHEMA "${retired}"`);
  for (const table of tablesOf(projection)) {
    await client.query(`ALTER TABLE ${qualified('public', table)} SET SCHEMA "${retired}"`);
    await client.query(`ALTER TABLE ${qualified(shadowSchemaOf(projection), table)} SET SCHEMA public`);
  }
};
export const dropSwappedOut = (client: PoolClient, projection: Projection): Promise<unknown> =>
  client.query(`DROP SCHEMA "${schemaFor(projection, 'retired')}" CASCADE; DROP SCHEMA "${shadowSchemaOf(projection)}" CASCADE`);

export const setState = (pool: Pool | PoolClient, name: string, status: string, rebuilt = false): Promise<unknown> =>
  pool.query(
    `INSERT INTO projection_state (name, status, rebuilt_at, updated_at) VALUES ($1, $2, CASE WHEN $3 THEN now() END, now())
     ON CONFLICT (name) DO UPDATE SET status = EXCLUDED.status, updated_at = now(),
       rebuilt_at = CASE WHEN $3 THEN now() ELSE projection_state.rebuilt_at END`,
    [name, status, rebuilt],
  );

const relevant = (categories: readonly string[], events: readonly StoredEvent[]): EventEnvelope<KnownEvent>[] =>
  events.filter((e) => categories.includes(parseStreamId(e.streamId).category)).map((e) => upcastEnvelope(e) as EventEnvelope<KnownEvent>);

/** Applies a page of one read model's events to wherever the rebuild writes. */
export interface Applier {
  readonly categories: readonly string[];
  apply(events: readonly EventEnvelope<KnownEvent>[]): Promise<ApplyOutcome>;
  /** A builder that writes behind writes what it still holds, and answers what that applied. */
  flush?(): Promise<ApplyOutcome>;
}

/** Applies as the live projection does, every page written (the cut-over's catch-up). */
export const tablesApplier = (projection: Projection, client: PoolClient, schema: string): Applier => ({
  categories: projection.categories,
  apply: (events) => projection.apply(client, schema, events),
});

/** Fills tables from the start of the log, as their only writer: the projection's builder (it may write behind). */
export const tablesBuilder = (projection: Projection, client: PoolClient, schema: string): Applier => {
  const builder = projection.builder(client, schema);
  return { categories: projection.categories, apply: (events) => builder.apply(events), flush: () => builder.flush().then(() => NO_OUTCOME) };
};

/** Flushes the applier and counts what that applied. */
export const flushInto = async (applier: Applier, totals: Totals): Promise<void> => {
  const flushed = (await applier.flush?.()) ?? NO_OUTCOME;
  totals.applied += flushed.applied;
  totals.rejected += flushed.rejected.length;
};

/** Events per page read and applied, by default. */
const PAGE = 2_000;
/** Per page over the bulk of the log, when a rebuild starts from its beginning. */
export const BULK_PAGE = 5_000;

export type Totals = { read: number; applied: number; rejected: number; total: number };

/**
 * Applies the events after `from` and before `bound` into `schema`; returns where it stopped.
 * The bound is fixed when the pass starts, so a pass ends even while appends keep coming.
 */
export const applyUntil = async (
  applier: Applier,
  from: LogPosition,
  bound: LogPosition,
  options: RebuildOptions,
  totals: Totals,
): Promise<{ position: LogPosition; read: number }> => {
  let position = from;
  let count = 0;
  const batchSize = options.batchSize ?? PAGE;
  // The next page is read while this one is applied: reading and writing overlap.
  const read = (after: LogPosition): Promise<ReadAllPage> => {
    const page = options.store.readAll(after, batchSize, { categories: applier.categories });
    page.catch(() => undefined); // awaited below; a failure while a page is applied is not unhandled
    return page;
  };
  let next = read(position);
  for (;;) {
    const page = await next;
    const inBound = page.events.filter((e) => comparePositions(e.logPosition, bound) < 0);
    const last = inBound.length === 0 || inBound.length < page.events.length;
    position = inBound.at(-1)?.logPosition ?? position;
    if (!last) next = read(position);
    const events = relevant(applier.categories, inBound);
    if (events.length) {
      const outcome = await applier.apply(events);
      totals.applied += outcome.applied;
      totals.rejected += outcome.rejected.length;
    }
    count += inBound.length;
    totals.read += inBound.length;
    options.onProgress?.({ read: totals.read, applied: totals.applied, total: Math.max(totals.total, totals.read) });
    if (last) return { position, read: count };
  }
};

/**
 * Passes up to the readable head until one finds little left to do (or a few passes went by):
 * what remains after that is small enough to apply while the live tables are locked.
 */
export const catchUp = async (applier: Applier, from: LogPosition, options: RebuildOptions, totals: Totals): Promise<LogPosition> => {
  let position = from;
  for (let pass = 0; pass < 10; pass++) {
    const done = await applyUntil(applier, position, await options.store.readableHead(), options, totals);
    position = done.position;
    if (done.read < (options.batchSize ?? PAGE)) break;
  }
  return position;
};

/**
 * From the start of the log: large pages for its bulk (fewer statements per event), then small
 * ones up to the head, so that little is left for the pass that holds the live tables' lock.
 */
export const catchUpFromStart = async (applier: Applier, options: RebuildOptions, totals: Totals): Promise<LogPosition> => {
  const bulk = await catchUp(applier, START_OF_LOG, { ...options, batchSize: options.batchSize ?? BULK_PAGE }, totals);
  return catchUp(applier, bulk, { ...options, batchSize: PAGE }, totals);
};

/** Builds the projection from the event store into `schema` (dropped and recreated), without swapping. */
export const rebuildInto = async (projection: Projection, schema: string, options: RebuildOptions): Promise<RebuildResult> => {
  const client = await options.pool.connect();
  try {
    const totals = { read: 0, applied: 0, rejected: 0, total: await countEvents(options.pool, projection.categories) };
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; CREATE SCHEMA "${schema}"; ${projection.createTables(schema)}`);
    const builder = tablesBuilder(projection, client, schema);
    const position = await catchUpFromStart(builder, options, totals);
    await flushInto(builder, totals);
    return { ...totals, position };
  } finally {
    client.release();
  }
};

/**
 * Rebuilds into a shadow schema while the live projection keeps running, then, in one
 * transaction that locks the live tables, applies what arrived meanwhile up to the head of the
 * log and swaps the shadow tables in. Every event the live consumer applied before the lock was
 * readable in the store (the relay only publishes readable events), so it is below that head and
 * in the new tables too. After the swap the live consumer goes on with the new tables: what they
 * already hold is skipped by its revision check, the rest is the catch-up. The parked streams are
 * swapped too: a gap the live tables waited on is filled from the store.
 */
export const rebuildProjection = async (projection: Projection, options: RebuildOptions): Promise<RebuildResult> => {
  const shadow = shadowSchemaOf(projection);
  await setState(options.pool, projection.name, 'rebuilding');
  try {
    const built = await rebuildInto(projection, shadow, options);
    const totals = { read: built.read, applied: built.applied, rejected: built.rejected, total: built.read };
    const client = await options.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`LOCK TABLE ${tablesOf(projection).map((t) => qualified('public', t)).join(', ')} IN ACCESS EXCLUSIVE MODE`);
      const head = await options.store.readableHead();
      const { position } = await applyUntil(tablesApplier(projection, client, shadow), built.position, head, options, totals);
      await swapIn(client, projection);
      await setState(client, projection.name, 'live', true);
      await client.query('COMMIT');
      await dropSwappedOut(client, projection);
      return { ...totals, position };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  } catch (error) {
    await setState(options.pool, projection.name, 'rebuild_failed').catch(() => undefined);
    throw error;
  }
};

/** The events of these categories (all when absent) in the log: what a rebuild will read, for its progress. */
export const countEvents = async (pool: Pool, categories?: readonly string[]): Promise<number> => {
  const { rows } = await pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM events WHERE $1::text[] IS NULL OR stream_id LIKE ANY($1::text[])',
    [categories?.map(categoryPattern) ?? null],
  );
  return Number(rows[0]?.n ?? 0);
};
