/** Responses to commands sent with an Idempotency-Key, kept until they expire. */
export const idempotencyKeys = {
  id: '004-idempotency',
  sql: `
    CREATE TABLE idempotency_keys (
      key text PRIMARY KEY,
      request_hash text NOT NULL,
      state text NOT NULL CHECK (state IN ('pending', 'completed')),
      status integer,
      body json, -- json, not jsonb: a replay returns the bytes of the first answer, key order included
      locked_until timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX ON idempotency_keys (expires_at);
  `,
};
