export const eventStore = {
  id: '001-event-store',
  sql: `
    -- transaction_id lets readers of the global log stop below the oldest transaction still in
    -- flight, so an event committed late with a smaller position is never passed over.
    CREATE TABLE events (
      global_position bigserial PRIMARY KEY,
      transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
      event_id uuid NOT NULL UNIQUE,
      stream_id text NOT NULL,
      stream_revision bigint NOT NULL,
      type text NOT NULL,
      schema_version integer NOT NULL,
      data jsonb NOT NULL,
      metadata jsonb NOT NULL,
      occurred_at timestamptz NOT NULL,
      UNIQUE (stream_id, stream_revision)
    );
    CREATE INDEX events_log_order ON events (transaction_id, global_position);

    CREATE TABLE streams (
      stream_id text PRIMARY KEY,
      revision bigint NOT NULL
    );
  `,
};
