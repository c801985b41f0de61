import type { Provider } from '@nestjs/common';
import { databaseHealthCheck, HEALTH_CHECKS, type HealthCheck } from '#infra/http/health.check';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';
import type { ProjectionConsumer } from '../consumer/projection-consumer.js';
import { ProjectorService } from '../consumer/projector.service.js';

/** Healthy when every consumer has joined its group; each one's state, attempts and last error otherwise. */
export const consumersHealthCheck = (consumers: readonly ProjectionConsumer[]): HealthCheck => ({
  name: 'consumers',
  run: () => Promise.resolve({ healthy: consumers.every((c) => c.isRunning), detail: Object.fromEntries(consumers.map((c) => [c.name, c.health])) }),
});

/** Streams parked at a gap, per projection: shown, never unhealthy by itself. */
export const parkedStreamsHealthCheck = (projector: ProjectorService): HealthCheck => ({
  name: 'parked',
  run: () => projector.parked.count().then((detail) => ({ healthy: true, detail }), () => ({ healthy: true, detail: 'unknown' })),
});

/**
 * Healthy when PostgreSQL answers, Kafka (and Elasticsearch, when this process runs order search)
 * has been reached and every consumer has joined its group; a 503 names what is missing.
 */
export const healthChecks: Provider = {
  provide: HEALTH_CHECKS,
  inject: [PG_POOL, ProjectorService],
  useFactory: (pool: Pool, projector: ProjectorService): HealthCheck[] => [
    databaseHealthCheck(pool, null),
    projector.kafkaReady.check,
    ...(projector.runsSearch ? [projector.searchReady.check] : []),
    consumersHealthCheck(projector.consumers),
    parkedStreamsHealthCheck(projector),
  ],
};
