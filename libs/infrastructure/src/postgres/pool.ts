import pg from 'pg';
import type { Config } from '../config/config.js';
import { createLogger } from '../logging/logger.js';

const log = createLogger('postgres');

// bigint columns (int8) come back as strings by default; revisions and positions fit in a JS
// number only up to 2^53, so positions stay strings/bigints and revisions are parsed explicitly.
export type PoolSettings = Pick<Config, 'databaseUrl' | 'appName'> &
  Partial<Pick<Config, 'pgConnectTimeoutMs' | 'pgStatementTimeoutMs' | 'pgLockTimeoutMs' | 'pgIdleInTransactionTimeoutMs'>>;

/** A pool whose waits are all bounded (0 or absent: no bound), so a stuck server or lock fails a request instead of hanging it. */
export const createPool = (config: PoolSettings, max = 10): pg.Pool => {
  const bound = (ms: number | undefined): number | undefined => (ms ? ms : undefined);
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max,
    application_name: config.appName,
    connectionTimeoutMillis: bound(config.pgConnectTimeoutMs),
    statement_timeout: bound(config.pgStatementTimeoutMs),
    lock_timeout: bound(config.pgLockTimeoutMs),
    idle_in_transaction_session_timeout: bound(config.pgIdleInTransactionTimeoutMs),
  });
  // An idle client whose connection the server ended (a restart, a terminated backend) is dropped
  // from the pool by pg; without a listener that 'error' event would end the process.
  pool.on('error', (error) => log.warn({ err: error }, 'idle PostgreSQL connection lost; the pool replaces it'));
  // A client checked out between two queries has no pool listener: its connection ending there
  // (a restart, a terminated backend) would be an unhandled 'error' that ends the process. The
  // next query on it fails instead, and the caller releases it with the error.
  pool.on('connect', (client) => client.on('error', (error) => log.warn({ err: error }, 'PostgreSQL connection lost while checked out')));
  return pool;
};

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
