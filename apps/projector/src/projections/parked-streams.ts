import type { EventEnvelope, KnownEvent } from '#events';
import type { PoolClient } from '#infra/postgres/pool';
import type { TableSpec } from '#infra/read-models/read-model.table';
import { qualified } from './projection.js';
import type { ParkedStream, StreamProgress } from './revision-order.js';

/** The parked streams among `streamIds`, locked for this transaction. */
export const loadParked = async (client: PoolClient, schema: string, table: TableSpec, streamIds: readonly string[]): Promise<Map<string, ParkedStream>> => {
  const { rows } = await client.query<{ stream_id: string; waiting: EventEnvelope<KnownEvent>[] }>(
    `SELECT stream_id, waiting FROM ${qualified(schema, table.name)} WHERE stream_id = ANY($1) ORDER BY stream_id FOR UPDATE`,
    [streamIds],
  );
  return new Map(rows.map((r) => [r.stream_id, { streamId: r.stream_id, waiting: r.waiting }]));
};

/** Parks the streams that wait (keeping when they were first parked) and unparks those whose gap filled. */
export const saveParked = async (client: PoolClient, schema: string, table: TableSpec, streams: readonly StreamProgress[]): Promise<void> => {
  const unparked = streams.filter((s) => s.wasParked && s.waiting.length === 0).map((s) => s.streamId);
  const held = streams.filter((s) => s.waiting.length > 0);
  if (unparked.length) await client.query(`DELETE FROM ${qualified(schema, table.name)} WHERE stream_id = ANY($1)`, [unparked]);
  if (!held.length) return;
  await client.query(
    `INSERT INTO ${qualified(schema, table.name)} (stream_id, expected_revision, seen_revision, waiting)
     SELECT stream_id, expected_revision, seen_revision, waiting
     FROM jsonb_to_recordset($1::jsonb) AS r(stream_id text, expected_revision bigint, seen_revision bigint, waiting jsonb)
     ON CONFLICT (stream_id) DO UPDATE SET expected_revision = EXCLUDED.expected_revision, seen_revision = EXCLUDED.seen_revision, waiting = EXCLUDED.waiting`,
    [JSON.stringify(held.map((s) => ({ stream_id: s.streamId, expected_revision: s.expected, seen_revision: s.waiting[0]!.streamRevision, waiting: s.waiting })))],
  );
};

/** How many streams each of these tables holds parked. */
export const countParked = async (client: Pick<PoolClient, 'query'>, tables: readonly { name: string; parkedTable: string }[]): Promise<Record<string, number>> => {
  const counts: Record<string, number> = {};
  for (const { name, parkedTable } of tables) {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${qualified('public', parkedTable)}`);
    counts[name] = rows[0]?.n ?? 0;
  }
  return counts;
};
