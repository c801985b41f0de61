import type { Provider } from '@nestjs/common';
import { databaseHealthCheck, HEALTH_CHECKS, type HealthCheck } from '#infra/http/health.check';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';

/** The read models' database must answer (search has its own 503s). */
export const healthChecks: Provider = {
  provide: HEALTH_CHECKS,
  inject: [PG_POOL],
  useFactory: (pool: Pool): HealthCheck[] => [databaseHealthCheck(pool)],
};
