import type { Provider } from '@nestjs/common';
import { databaseHealthCheck, HEALTH_CHECKS, type HealthCheck } from '#infra/http/health.check';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';
import type { EventRelay } from '#infra/relay/relay';
import { RELAY } from '#infra/relay/relay.module';

/** The database must answer; the relay's state is shown, whatever it is. */
export const healthChecks: Provider = {
  provide: HEALTH_CHECKS,
  inject: [PG_POOL, RELAY],
  useFactory: (pool: Pool, relay: EventRelay): HealthCheck[] => [
    databaseHealthCheck(pool),
    { name: 'relay', run: () => Promise.resolve({ healthy: true, detail: relay.status }) },
  ],
};
