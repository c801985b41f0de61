import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';

/** The benchmark's own database: dropped and created again, so every scenario starts empty. */
export const resetDatabase = async (url: string): Promise<Pool> => {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  if (!/_bench$/.test(name)) throw new Error(`Refusing to reset "${name}": the benchmark only resets a *_bench database`);
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const pool = createPool(url, 4);
  await migrate(pool);
  return pool;
};

/** A table shaped like `events` (same columns, keys and indexes), for the raw INSERT baselines. */
export const createRawEventsTable = async (pool: Pool, name = 'raw_events'): Promise<void> => {
  await pool.query(`
    DROP TABLE IF EXISTS ${name};
    CREATE TABLE ${name} (
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
    CREATE INDEX ${name}_log_order ON ${name} (transaction_id, global_position);`);
};

const csvField = (value: string | number | null): string => {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** COPY ... FROM STDIN (FORMAT csv) of rows already in memory; resolves when PostgreSQL has them all. */
export const copyRows = async (client: pg.PoolClient, copySql: string, rows: Iterable<readonly (string | number | null)[]>): Promise<void> => {
  const lines = (function* () {
    let chunk = '';
    for (const row of rows) {
      chunk += `${row.map(csvField).join(',')}\n`;
      if (chunk.length > 1 << 16) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  })();
  await pipeline(Readable.from(lines), client.query(copyFrom(copySql)));
};
