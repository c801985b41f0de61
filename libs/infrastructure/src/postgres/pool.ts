import pg from 'pg';
import { config } from '../config/config.js';

// bigint columns (int8) come back as strings by default; revisions and positions fit in a JS
// number only up to 2^53, so positions stay strings/bigints and revisions are parsed explicitly.
export const createPool = (connectionString = config.databaseUrl, max = 10): pg.Pool =>
  new pg.Pool({ connectionString, max, application_name: process.env['APP_NAME'] ?? 'ledger' });

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
