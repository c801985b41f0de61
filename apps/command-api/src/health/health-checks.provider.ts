import type { Provider } from '@nestjs/common';
import type { Config } from '#infra/config/config';
import { databaseHealthCheck, HEALTH_CHECKS, type HealthCheck } from '#infra/http/health.check';
import { CONFIG } from '#infra/nest/config.module';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';
import type { EventRelay } from '#infra/relay/relay';
import { relayHealthCheck } from '#infra/relay/relay-health.check';
import { RELAY } from '#infra/relay/relay.module';

/** The database must answer and the relay must not have stalled; its state and lag are always shown. */
export const healthChecks: Provider = {
  provide: HEALTH_CHECKS,
  inject: [PG_POOL, RELAY, CONFIG],
  useFactory: (pool: Pool, relay: EventRelay, config: Config): HealthCheck[] => [
    databaseHealthCheck(pool),
    relayHealthCheck(relay, { enabled: config.relayEnabled, stallTimeoutMs: config.relayStallTimeoutMs }),
  ],
};
