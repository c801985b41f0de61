import { START_OF_LOG, type LogPosition } from '#eventsourcing';
import type { Queryable } from '../event-store/postgres/postgres-event-store.js';
import type { RelayLag } from './relay-status.js';

export const loadCheckpoint = async (db: Queryable, name: string): Promise<LogPosition> => {
  const { rows } = await db.query<{ commit: string; prepare: string }>(
    'SELECT commit_position::text AS commit, prepare_position::text AS prepare FROM relay_checkpoints WHERE name = $1',
    [name],
  );
  const row = rows[0];
  return row ? { commit: BigInt(row.commit), prepare: BigInt(row.prepare) } : START_OF_LOG;
};

export const saveCheckpoint = async (db: Queryable, name: string, position: LogPosition): Promise<void> => {
  await db.query(
    `INSERT INTO relay_checkpoints (name, commit_position, prepare_position) VALUES ($1, $2::text::xid8, $3)
     ON CONFLICT (name) DO UPDATE SET commit_position = EXCLUDED.commit_position,
       prepare_position = EXCLUDED.prepare_position, updated_at = now()`,
    [name, position.commit.toString(), position.prepare.toString()],
  );
};

/**
 * Events committed after the checkpoint, counted (positions have gaps, rows do not) up to the
 * readable head, as `readAll` would return them; ages by the database's clock.
 *
 * Why rows and not `head - checkpoint`: `global_position` comes from a sequence (migration 001),
 * and a rolled-back append, a failed group-commit batch (migration 006) or the sequence's cache
 * all burn values, so the difference of two positions counts events that will never exist. The
 * checkpoint (migration 003) is a `(commit_position, prepare_position)` pair, i.e. the last
 * published `(transaction_id, global_position)`; this counts the rows of `events` above that pair
 * and below the snapshot's xmin (transactions that have finished), so every counted row is an
 * event the relay will read and publish, and a late-committing transaction is counted once it
 * becomes readable, never skipped.
 */
export const readRelayLag = async (db: Queryable, name: string): Promise<RelayLag> => {
  const checkpoint = await db.query<{ commit: string; prepare: string; age_ms: string }>(
    `SELECT commit_position::text AS commit, prepare_position::text AS prepare,
       floor(extract(epoch FROM clock_timestamp() - updated_at) * 1000)::text AS age_ms
     FROM relay_checkpoints WHERE name = $1`,
    [name],
  );
  const from = checkpoint.rows[0] ?? { commit: '0', prepare: '0', age_ms: null };
  const { rows } = await db.query<{ unpublished: string; oldest_age_ms: string | null }>(
    `SELECT count(*)::text AS unpublished,
       floor(extract(epoch FROM clock_timestamp() - min(occurred_at)) * 1000)::text AS oldest_age_ms
     FROM events
     WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
       AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())`,
    [from.commit, from.prepare],
  );
  const row = rows[0];
  // occurredAt comes from the app's clock, the ages from the database's: never below zero.
  const age = (ms: string | null | undefined): number | null => (ms == null ? null : Math.max(0, Number(ms)));
  return { unpublished: Number(row?.unpublished ?? 0), oldestUnpublishedAgeMs: age(row?.oldest_age_ms), checkpointAgeMs: age(from.age_ms) };
};
