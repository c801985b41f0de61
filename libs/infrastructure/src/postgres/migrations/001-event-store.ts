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

    -- One round trip per append. The per-stream advisory lock is taken before the first write,
    -- and a transaction id is assigned only at the first write: so a later revision of a stream
    -- always gets a larger transaction id than the earlier one, and the global log order
    -- (transaction_id, global_position) agrees with every stream's order.
    -- p_expected: -1 = no stream, -2 = any, n >= 0 = that revision.
    CREATE FUNCTION append_events(
      p_stream_id text, p_expected bigint,
      p_event_ids uuid[], p_types text[], p_versions integer[],
      p_data jsonb[], p_metadata jsonb[], p_occurred_at timestamptz[]
    ) RETURNS TABLE (appended boolean, revision bigint, last_position bigint, txid xid8)
    LANGUAGE plpgsql AS $$
    DECLARE
      current bigint;
      n integer := cardinality(p_event_ids);
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtextextended(p_stream_id, 0));
      SELECT s.revision INTO current FROM streams s WHERE s.stream_id = p_stream_id;
      IF (p_expected = -1 AND current IS NOT NULL)
         OR (p_expected >= 0 AND current IS DISTINCT FROM p_expected) THEN
        RETURN QUERY SELECT false, current, NULL::bigint, NULL::xid8;
        RETURN;
      END IF;
      INSERT INTO streams AS s (stream_id, revision) VALUES (p_stream_id, coalesce(current, -1) + n)
        ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision;
      RETURN QUERY
        WITH inserted AS (
          INSERT INTO events (event_id, stream_id, stream_revision, type, schema_version, data, metadata, occurred_at)
          SELECT e.id, p_stream_id, coalesce(current, -1) + e.ord, e.t, e.v, e.d, e.m, e.o
          FROM unnest(p_event_ids, p_types, p_versions, p_data, p_metadata, p_occurred_at)
               WITH ORDINALITY AS e(id, t, v, d, m, o, ord)
          ORDER BY e.ord
          RETURNING global_position
        )
        SELECT true, coalesce(current, -1) + n, max(global_position), pg_current_xact_id() FROM inserted;
      PERFORM pg_notify('ledger_events_appended', '');
    END;
    $$;
  `,
};
