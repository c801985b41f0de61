import { loadConfig } from '../config/config.js';
import { createPool } from './pool.js';
import { migrate } from './migrate.js';

/** `npm run db:migrate`: applies pending migrations to DATABASE_URL. */
const config = loadConfig();
const pool = createPool({ databaseUrl: config.databaseUrl, appName: config.appName }, 1); // a migration may wait for locks
try {
  const applied = await migrate(pool);
  const db = new URL(config.databaseUrl).pathname.slice(1);
  console.log(applied.length ? `${db}: applied ${applied.join(', ')}` : `${db}: schema up to date`);
} finally {
  await pool.end();
}
