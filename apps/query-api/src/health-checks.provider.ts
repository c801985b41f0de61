import type { Provider } from '@nestjs/common';
import { databaseHealthCheck, HEALTH_CHECKS, type HealthCheck } from '#infra/http/health.check';
import { RATE_LIMITS_HEALTH_CHECK } from '#infra/http/rate-limit.module';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';

/** The read models' database must answer (search has its own 503s); the rate limits' status is shown (Redis away: degraded, still ready). */
export const healthChecks: Provider = {
  provide: HEALTH_CHECKS,
  inject: [PG_POOL, RATE_LIMITS_HEALTH_CHECK],
  useFactory: (pool: Pool, rateLimits: HealthCheck): HealthCheck[] => [databaseHealthCheck(pool), rateLimits],
};
