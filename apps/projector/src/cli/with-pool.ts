import type { Config } from '#infra/config/config';
import { createPool, type Pool } from '#infra/postgres/pool';

export const withPool = async <T>(config: Config, work: (pool: Pool) => Promise<T>): Promise<T> => {
  // Operator tasks (rebuilds, migrations) may wait for locks and run long statements: no bounds here.
  const pool = createPool({ databaseUrl: config.databaseUrl, appName: config.appName }, 4);
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
};
