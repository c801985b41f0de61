import type { Config } from '../config/config.js';
import { createLogger } from '../logging/logger.js';
import { createPool } from '../postgres/pool.js';
import { migrate } from '../postgres/migrate.js';
import { createRelay } from './relay.module.js';

/** Runs the relay alone (`npm run cli -- relay`), until SIGINT/SIGTERM. */
export const runRelay = async (config: Config): Promise<void> => {
  const log = createLogger('relay-cli');
  const pool = createPool(config, 4);
  await migrate(pool);
  const relay = createRelay(config, pool);
  relay.start();
  log.info('relay started; it publishes while it holds the relay lock');
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await relay.stop();
  await pool.end();
};
