import { createPool } from '../../postgres/pool.js';
import { migrate } from '../../postgres/migrate.js';
import { eventStoreContract } from '#eventsourcing/testing';
import { PostgresEventStore } from './postgres-event-store.js';

eventStoreContract('PostgreSQL', async () => {
  const pool = createPool();
  await migrate(pool);
  return new PostgresEventStore(pool);
});
