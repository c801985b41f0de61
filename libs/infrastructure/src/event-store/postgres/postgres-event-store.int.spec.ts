import { createPool } from '../../postgres/pool.js';
import { migrate } from '../../postgres/migrate.js';
import { eventStoreContract } from '#eventsourcing/testing';
import { PostgresEventStore } from './postgres-event-store.js';
import { testConfig } from '#infra/testing/test-config';

eventStoreContract('PostgreSQL', async () => {
  const pool = createPool(testConfig());
  await migrate(pool);
  return new PostgresEventStore(pool);
});
