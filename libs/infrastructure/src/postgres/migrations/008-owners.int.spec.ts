import { randomUUID } from 'node:crypto';
import { testConfig } from '../../testing/test-config.js';
import { createPool, type Pool } from '../pool.js';
import { owners } from './008-owners.js';
import { MIGRATIONS } from './index.js';

/** On a database of its own, created at migration 007 with rows from before owners were recorded. */
describe('migration 008: owners (real PostgreSQL)', () => {
  const config = testConfig();
  const database = `${new URL(config.databaseUrl).pathname.slice(1)}_m008_${randomUUID().slice(0, 8)}`;
  const url = new URL(config.databaseUrl);
  url.pathname = `/${database}`;
  let admin: Pool;
  let pool: Pool;

  beforeAll(async () => {
    admin = createPool(config, 1);
    await admin.query(`CREATE DATABASE "${database}"`);
    pool = createPool({ ...config, databaseUrl: url.href }, 1);
    for (const migration of MIGRATIONS.slice(0, MIGRATIONS.indexOf(owners))) await pool.query(migration.sql);
  });
  afterAll(async () => {
    await pool.end();
    await admin.query(`DROP DATABASE "${database}"`);
    await admin.end();
  });

  const opened = (accountId: string, version: number, data: object) =>
    pool.query(
      `INSERT INTO events (event_id, stream_id, stream_revision, type, schema_version, data, metadata, occurred_at)
       VALUES ($1, $2, 0, 'AccountOpened', $3, $4, '{}', now())`,
      [randomUUID(), `account-${accountId}`, version, JSON.stringify({ accountId, ownerName: 'Ada', currency: 'EUR', openedAt: new Date().toISOString(), ...data })],
    );
  const projected = (accountId: string) =>
    pool.query(`INSERT INTO account_statement VALUES ($1, 'Ada', 'EUR', 0, now(), 0, now())`, [accountId]);

  it('adds the owner of accounts, filled from their schema-2 AccountOpened, and the customer of payment sagas', async () => {
    const [recent, old, unstored] = [randomUUID(), randomUUID(), randomUUID()];
    await opened(recent, 2, { ownerId: 'subject-ada' });
    await opened(old, 1, {});
    for (const id of [recent, old, unstored]) await projected(id);
    await pool.query(owners.sql);
    const { rows } = await pool.query<{ account_id: string; owner_id: string | null }>('SELECT account_id, owner_id FROM account_statement');
    expect(Object.fromEntries(rows.map((r) => [r.account_id, r.owner_id]))).toEqual({ [recent]: 'subject-ada', [old]: null, [unstored]: null });
    const { rows: columns } = await pool.query<{ is_nullable: string }>(
      `SELECT is_nullable FROM information_schema.columns WHERE table_name = 'payment_sagas' AND column_name = 'customer_id'`,
    );
    expect(columns).toEqual([{ is_nullable: 'YES' }]);
  });
});
