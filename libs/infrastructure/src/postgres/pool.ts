import pg from 'pg';
import type { Config } from '../config/config.js';
import { createLogger } from '../logging/logger.js';

const log = createLogger('postgres');

// bigint columns (int8) come back as strings by default; revisions and positions fit in a JS
// number only up to 2^53, so positions stay strings/bigints and revisions are parsed explicitly.
export const createPool = (config: Pick<Config, 'databaseUrl' | 'appName'>, max = 10): pg.Pool => {
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max, application_name: config.appName });
  // An idle client whose connection the server ended (a restart, a terminated backend) is dropped
  // from the pool by pg; without a listener that 'error' event would end the process.
  pool.on('error', (error) => log.warn({ err: error }, 'idle PostgreSQL connection lost; the pool replaces it'));
  return pool;
};

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
