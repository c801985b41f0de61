export const relayCheckpoints = {
  id: '003-relay',
  sql: `
    CREATE TABLE relay_checkpoints (
      name text PRIMARY KEY,
      commit_position xid8 NOT NULL,
      prepare_position bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `,
};
