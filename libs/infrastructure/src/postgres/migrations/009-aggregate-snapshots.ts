/**
 * Snapshots of folded aggregates beside their streams (one per stream, the latest), and an index
 * that finds a stream's events by the idempotency key in their metadata, so the write path can
 * answer a repeated key without folding the stream's history.
 */
export const aggregateSnapshots = {
  id: '009-aggregate-snapshots',
  sql: `
    CREATE TABLE snapshots (
      stream_id text PRIMARY KEY,
      revision bigint NOT NULL,
      position bigint NOT NULL,
      state jsonb NOT NULL,
      state_version integer NOT NULL,
      taken_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE INDEX events_idempotency_key ON events (stream_id, (metadata->>'idempotencyKey'))
      WHERE metadata->>'idempotencyKey' IS NOT NULL;
  `,
};
