/**
 * `append_events` and `append_batch` no longer notify: the event store does, after the commit
 * (`AppendedSignal`). `NOTIFY` makes a committing transaction hold a lock on the notification
 * queue until its commit record is flushed, so transactions that notify commit one at a time, each
 * after the previous one's WAL flush. Two batches in flight therefore never shared a flush. The
 * bodies are 010's, less the `pg_notify` line.
 */
export const notifyAfterCommit = {
  id: '011-notify-after-commit',
  sql: `
    CREATE OR REPLACE FUNCTION append_events(
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
      SELECT max(e.stream_revision) INTO current FROM events e WHERE e.stream_id = p_stream_id;
      IF (p_expected = -1 AND current IS NOT NULL)
         OR (p_expected >= 0 AND current IS DISTINCT FROM p_expected) THEN
        RETURN QUERY SELECT false, current, NULL::bigint, NULL::xid8;
        RETURN;
      END IF;
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
    END;
    $$;

    CREATE OR REPLACE FUNCTION append_batch(
      p_stream_ids text[], p_expected bigint[], p_counts integer[],
      p_event_ids uuid[], p_types text[], p_versions integer[],
      p_data jsonb[], p_metadata jsonb[], p_occurred_at timestamptz[]
    ) RETURNS TABLE (idx integer, appended boolean, revision bigint, last_position bigint, txid xid8)
    LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock(l.k)
        FROM (SELECT DISTINCT hashtextextended(s, 0) AS k FROM unnest(p_stream_ids) AS s ORDER BY 1) AS l;
      RETURN QUERY
        WITH batch AS (
          SELECT a.i, a.stream_id, s.revision AS current, a.n,
                 sum(a.n) OVER (ORDER BY a.i) - a.n + 1 AS first_event,
                 NOT ((a.expected = -1 AND s.revision IS NOT NULL)
                      OR (a.expected >= 0 AND s.revision IS DISTINCT FROM a.expected)) AS accepted
          FROM unnest(p_stream_ids, p_expected, p_counts) WITH ORDINALITY AS a(stream_id, expected, n, i)
          LEFT JOIN LATERAL (SELECT max(e.stream_revision) AS revision FROM events e WHERE e.stream_id = a.stream_id) s ON true
        ), inserted AS (
          INSERT INTO events (event_id, stream_id, stream_revision, type, schema_version, data, metadata, occurred_at)
            SELECT e.id, b.stream_id, coalesce(b.current, -1) + (e.ord - b.first_event) + 1, e.t, e.v, e.d, e.m, e.o
            FROM unnest(p_event_ids, p_types, p_versions, p_data, p_metadata, p_occurred_at)
                 WITH ORDINALITY AS e(id, t, v, d, m, o, ord)
            JOIN batch b ON e.ord >= b.first_event AND e.ord < b.first_event + b.n
            WHERE b.accepted
            ORDER BY e.ord
            RETURNING events.stream_id, events.global_position
        ), last AS (
          SELECT x.stream_id, max(x.global_position) AS position FROM inserted x GROUP BY x.stream_id
        )
        SELECT b.i::integer, b.accepted,
               CASE WHEN b.accepted THEN coalesce(b.current, -1) + b.n ELSE b.current END,
               last.position,
               CASE WHEN b.accepted THEN pg_current_xact_id() END
        FROM batch b LEFT JOIN last ON last.stream_id = b.stream_id
        ORDER BY b.i;
    END;
    $$;
  `,
};
