import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { createKafka, ensureTopics } from '#infra/kafka/kafka';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';
import { PROJECTIONS, projectionNamed } from '../projections/registry.js';
import { ProjectionConsumer } from './projection-consumer.js';

/** The projections this process runs: env PROJECTIONS=a,b (default: all). */
export const selectedProjections = (): string[] =>
  (process.env['PROJECTIONS'] ?? PROJECTIONS.map((p) => p.name).join(','))
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);

@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly kafka: Kafka = createKafka('projector');
  private readonly producer: Producer = this.kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  readonly consumers: ProjectionConsumer[];

  constructor(@Inject(PG_POOL) pool: Pool) {
    this.consumers = selectedProjections().map((name) => new ProjectionConsumer(projectionNamed(name), pool, this.kafka, this.producer));
  }

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    await ensureTopics(admin);
    await admin.disconnect();
    await this.producer.connect();
    await Promise.all(this.consumers.map((c) => c.start()));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
    await this.producer.disconnect();
  }
}
