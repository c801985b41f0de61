import { testConfig } from '../testing/test-config.js';
import { createPool, type Pool } from './pool.js';

describe('the PostgreSQL pool when the server ends a connection (real PostgreSQL)', () => {
  let pool: Pool;
  let admin: Pool;
  beforeAll(() => {
    pool = createPool({ ...testConfig(), appName: `pool-test-${process.pid}` }, 2);
    admin = createPool(testConfig(), 1);
  });
  afterAll(async () => {
    await pool.end();
    await admin.end();
  });

  it('a client checked out between two queries fails its next query instead of ending the process', async () => {
    const client = await pool.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the termination arrives while nothing runs on it
    await expect(client.query('SELECT 1')).rejects.toThrow();
    client.release(true);
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
  });
});
