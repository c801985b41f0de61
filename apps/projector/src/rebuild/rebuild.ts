import { parseStreamId, upcastEnvelope, type EventEnvelope, type KnownEvent } from '#events';
import { START_OF_LOG, type EventStore, type LogPosition, type StoredEvent } from '#infra/event-store/event-store.port';
import type { Pool, PoolClient } from '#infra/postgres/pool';
import { qualified, type Projection } from '../projections/projection.js';

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

const setState = (pool: Pool | PoolClient, name: string, status: string, rebuilt = false): Promise<unknown> =>
  pool.query(
    `INSERT INTO projection_state (name, status, rebuilt_at, updated_at) VALUES ($1, $2, CASE WHEN $3 THEN now() END, now())
     ON CONFLICT (name) DO UPDATE SET status = EXCLUDED.status, updated_at = now(),
       rebuilt_at = CASE WHEN $3 THEN now() ELSE projection_state.rebuilt_at END`,
    [name, status, rebuilt],
  );

const relevant = (projection: Projection, events: readonly StoredEvent[]): EventEnvelope<KnownEvent>[] =>
  events.filter((e) => projection.categories.includes(parseStreamId(e.streamId).category)).map((e) => upcastEnvelope(e) as EventEnvelope<KnownEvent>);

/** Applies every event after `from` up to the readable head into `schema`; returns where it stopped. */
const applyUntilHead = async (
  projection: Projection,
  client: PoolClient,
  schema: string,
  from: LogPosition,
  options: RebuildOptions,
  totals: { read: number; applied: number; rejected: number; total: number },
): Promise<LogPosition> => {
  let position = from;
  for (;;) {
    const page = await options.store.readAll(position, options.batchSize ?? 2000);
    if (page.events.length === 0) return position;
    const events = relevant(projection, page.events);
    if (events.length) {
      const outcome = await projection.apply(client, schema, events);
      totals.applied += outcome.applied;
      totals.rejected += outcome.rejected.length;
    }
    totals.read += page.events.length;
    position = page.next;
    options.onProgress?.({ read: totals.read, applied: totals.applied, total: Math.max(totals.total, totals.read) });
  }
};

/** Builds the projection from the event store into `schema` (dropped and recreated), without swapping. */
export const rebuildInto = async (projection: Projection, schema: string, options: RebuildOptions): Promise<RebuildResult> => {
  const client = await options.pool.connect();
  try {
    const totals = { read: 0, applied: 0, rejected: 0, total: await countEvents(options.pool) };
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; CREATE SCHEMA "${schema}"; ${projection.createTables(schema)}`);
    const position = await applyUntilHead(projection, client, schema, START_OF_LOG, options, totals);
    return { ...totals, position };
  } finally {
    client.release();
  }
};

/**
 * Rebuilds into a shadow schema while the live projection keeps running, then, in one
 * transaction that briefly locks the live tables, applies what arrived meanwhile and swaps the
 * shadow tables in. The live consumer then goes on with the new tables: what they already hold is
 * skipped by its revision check, the rest is the catch-up.
 */
export const rebuildProjection = async (projection: Projection, options: RebuildOptions): Promise<RebuildResult> => {
  const shadow = schemaFor(projection, 'rebuild');
  const retired = schemaFor(projection, 'retired');
  await setState(options.pool, projection.name, 'rebuilding');
  try {
    const built = await rebuildInto(projection, shadow, options);
    const totals = { read: built.read, applied: built.applied, rejected: built.rejected, total: built.read };
    const client = await options.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`LOCK TABLE ${projection.tables.map((t) => qualified('public', t)).join(', ')} IN ACCESS EXCLUSIVE MODE`);
      const position = await applyUntilHead(projection, client, shadow, built.position, options, totals);
      await client.query(`DROP SCHEMA IF EXISTS "${retired}" CASCADE; CREATE SCHEMA "${retired}"`);
      for (const table of projection.tables) {
        await client.query(`ALTER TABLE ${qualified('public', table)} SET SCHEMA "${retired}"`);
        await client.query(`ALTER TABLE ${qualified(shadow, table)} SET SCHEMA public`);
      }
      await setState(client, projection.name, 'live', true);
      await client.query('COMMIT');
      await client.query(`DROP SCHEMA "${retired}" CASCADE; DROP SCHEMA "${shadow}" CASCADE`);
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

export const countEvents = async (pool: Pool): Promise<number> => {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM events');
  return Number(rows[0]?.n ?? 0);
};
