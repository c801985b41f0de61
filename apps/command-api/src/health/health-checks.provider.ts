import type { Provider } from '@nestjs/common';
import type { Config } from '#infra/config/config';
import { databaseHealthCheck, HEALTH_CHECKS, type HealthCheck } from '#infra/http/health.check';
import { RATE_LIMITS_HEALTH_CHECK } from '#infra/http/rate-limit.module';
import { CONFIG } from '#infra/nest/config.module';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';
import type { EventRelay } from '#infra/relay/relay';
import { relayHealthCheck } from '#infra/relay/relay-health.check';
import { RELAY } from '#infra/relay/relay.module';

/**
 * The database must answer and the relay must not have stalled; its state and lag are always shown,
 * as is whether the rate limits are counted (Redis away: degraded, still ready).
 */
export const healthChecks: Provider = {
  provide: HEALTH_CHECKS,
  inject: [PG_POOL, RELAY, CONFIG, RATE_LIMITS_HEALTH_CHECK],
  useFactory: (pool: Pool, relay: EventRelay, config: Config, rateLimits: HealthCheck): HealthCheck[] => [
    databaseHealthCheck(pool),
    relayHealthCheck(relay, { enabled: config.relayEnabled, stallTimeoutMs: config.relayStallTimeoutMs }),
    rateLimits,
  ],
};
