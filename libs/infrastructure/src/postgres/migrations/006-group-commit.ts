/**
 * Group commit: the appends that arrive together are committed by one call in one transaction,
 * set-based (one statement for the checks and writes of all of them). Each append keeps its own
 * expected-revision check and its own outcome, a row per append: a conflict fails that append
 * alone. The streams of one batch are distinct (the caller defers a second append to a stream to
 * the next batch). Every stream's lock is taken first, in one global order, so two batches never
 * wait on each other in a cycle, and the transaction id, assigned at the first write, is larger
 * than that of every earlier append to those streams (the invariant of append_events).
 */
export const groupCommit = {
  id: '006-group-commit',
  sql: `
    CREATE FUNCTION append_batch(
      p_stream_ids text[], p_expected bigint[], p_counts integer[],
      p_event_ids uuid[], p_types text[], p_versions integer[],
      p_data jsonb[], p_metadata jsonb[], p_occurred_at timestamptz[]
    ) RETURNS TABLE (idx integer, appended boolean, revision bigint, last_position bigint, txid xid8)
    -- A generic plan: planning this statement afresh for each call would cost more than running it.
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
          LEFT JOIN streams s ON s.stream_id = a.stream_id
        ), upserted AS (
          INSERT INTO streams AS s (stream_id, revision)
            SELECT b.stream_id, coalesce(b.current, -1) + b.n FROM batch b WHERE b.accepted
            ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision
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
      PERFORM pg_notify('ledger_events_appended', '');
    END;
    $$;
  `,
};
