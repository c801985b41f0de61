import type { Provider } from '@nestjs/common';
import { databaseHealthCheck, HEALTH_CHECKS, type HealthCheck } from '#infra/http/health.check';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';
import { ProjectorService } from '../consumer/projector.service.js';

/** Healthy when PostgreSQL answers and every consumer has joined its group; a 503 reports both. Parked streams are shown. */
export const healthChecks: Provider = {
  provide: HEALTH_CHECKS,
  inject: [PG_POOL, ProjectorService],
  useFactory: (pool: Pool, projector: ProjectorService): HealthCheck[] => [
    databaseHealthCheck(pool, null),
    {
      name: 'consumers',
      run: () => {
        const consumers = Object.fromEntries(projector.consumers.map((c) => [c.name, c.isRunning]));
        return Promise.resolve({ healthy: !Object.values(consumers).includes(false), detail: consumers });
      },
    },
    // Shown, never unhealthy by itself.
    { name: 'parked', run: () => projector.parked.count().then((detail) => ({ healthy: true, detail }), () => ({ healthy: true, detail: 'unknown' })) },
  ],
};
