import { Readable } from 'node:stream';
import { config } from './config.js';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { percentile } from './stats.js';

/** The benchmark's own database: dropped and created again, so every scenario starts empty. */
export const resetDatabase = async (url: string): Promise<Pool> => {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  // ledger_bench, or one of its own per engineer or branch (ledger_bench_<name>, BENCH_DATABASE_URL).
  if (!/_bench(_[a-z0-9]+)?$/.test(name)) throw new Error(`Refusing to reset "${name}": the benchmark only resets a *_bench or *_bench_<name> database`);
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const pool = createPool({ ...config, databaseUrl: url }, 4);
  await migrate(pool);
  return pool;
};

/**
 * `raw_events`, shaped like `events` (same columns, defaults, keys and indexes), for the raw
 * INSERT baselines.
 */
export const createRawEventsTable = async (pool: Pool): Promise<void> => {
  await pool.query('DROP TABLE IF EXISTS raw_events; CREATE TABLE raw_events (LIKE events INCLUDING ALL)');
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

/** What a lone commit took while a load ran beside it (see `commitProbe`). */
export interface LoneCommits {
  readonly commits: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Commits that took more than 50 ms. */
  readonly over50Ms: number;
}

/**
 * A lone autocommitted one-row INSERT every 20 ms, on a connection of its own, while a load runs:
 * how long PostgreSQL took to commit meanwhile. Every durable commit waits for its WAL to be
 * flushed to disk, so a flush that stalls shows here as it does in the load's latencies; a step
 * whose slow requests fall where these commits stalled was held back by the disk, not by the app.
 */
export const commitProbe = async (url: string): Promise<{ stop: () => Promise<LoneCommits> }> => {
  const client = new pg.Client(url);
  await client.connect();
  await client.query('CREATE TABLE IF NOT EXISTS bench_commit_probe (id bigserial PRIMARY KEY)');
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const start = performance.now();
      await client.query('INSERT INTO bench_commit_probe DEFAULT VALUES');
      latencies.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop.finally(() => client.end());
      return {
        commits: latencies.length,
        p99Ms: percentile(latencies, 99),
        maxMs: percentile(latencies, 100),
        over50Ms: latencies.filter((ms) => ms > 50).length,
      };
    },
  };
};
