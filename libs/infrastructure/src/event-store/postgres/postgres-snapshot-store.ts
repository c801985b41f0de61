import type pg from 'pg';
import type { Snapshot, SnapshotStore } from '#eventsourcing';

interface SnapshotRow {
  stream_id: string;
  revision: string;
  position: string;
  state: unknown;
  state_version: number;
}

/** Snapshots in the `snapshots` table, beside the events (migration 009): the latest per stream. */
export class PostgresSnapshotStore implements SnapshotStore {
  constructor(private readonly pool: Pick<pg.Pool, 'query'>) {}

  async load(streamId: string): Promise<Snapshot | null> {
    const { rows } = await this.pool.query<SnapshotRow>('SELECT stream_id, revision, position, state, state_version FROM snapshots WHERE stream_id = $1', [streamId]);
    const row = rows[0];
    return row ? { streamId: row.stream_id, revision: Number(row.revision), position: row.position, state: row.state, stateVersion: row.state_version } : null;
  }

  async save(snapshot: Snapshot): Promise<void> {
    // A later revision wins; a snapshot of another shape (a process of another version) is replaced.
    await this.pool.query(
      `INSERT INTO snapshots (stream_id, revision, position, state, state_version) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision, position = EXCLUDED.position, state = EXCLUDED.state,
         state_version = EXCLUDED.state_version, taken_at = now()
       WHERE snapshots.revision < EXCLUDED.revision OR snapshots.state_version <> EXCLUDED.state_version`,
      [snapshot.streamId, snapshot.revision, snapshot.position, JSON.stringify(snapshot.state), snapshot.stateVersion],
    );
  }
}
