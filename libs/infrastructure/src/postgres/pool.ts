import pg from 'pg';
import { config } from '../config/config.js';
import { createLogger } from '../logging/logger.js';

const log = createLogger('postgres');

// bigint columns (int8) come back as strings by default; revisions and positions fit in a JS
// number only up to 2^53, so positions stay strings/bigints and revisions are parsed explicitly.
export const createPool = (connectionString = config.databaseUrl, max = 10): pg.Pool => {
  const pool = new pg.Pool({ connectionString, max, application_name: process.env['APP_NAME'] ?? 'ledger' });
  // An idle client whose connection the server ended (a restart, a terminated backend) is dropped
  // from the pool by pg; without a listener that 'error' event would end the process.
  pool.on('error', (error) => log.warn({ err: error }, 'idle PostgreSQL connection lost; the pool replaces it'));
  return pool;
};

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
