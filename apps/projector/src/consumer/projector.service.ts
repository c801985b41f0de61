import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ExponentialBackoff, fullJitterGenerator, handleAll, retry } from 'cockatiel';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { config } from '#infra/config/config';
import { createElasticsearch } from '#infra/elasticsearch/elasticsearch';
import { createEventStore, releaseEventStore } from '#infra/event-store/event-store.factory';
import type { EventStore } from '#eventsourcing';
import { createKafka, ensureTopics } from '#infra/kafka/kafka';
import { createLogger } from '#infra/logging/logger';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';
import { PROJECTIONS, projectionNamed } from '../projections/registry.js';
import { ensureOrderSearchIndex } from '../search/order-search.index.js';
import { ORDER_SEARCH_PROJECTION } from '../search/order-search.projection.js';
import { WritePath } from '#infra/nest/write-path';
import { PaymentSagaRepository } from '../saga/payment-saga.repository.js';
import { PaymentSagaRunner } from '../saga/payment-saga.runner.js';
import { PAYMENT_SAGA, paymentSagaSink } from '../saga/payment-saga.sink.js';
import { ProjectionConsumer } from './projection-consumer.js';
import { orderSearchSink, postgresSink } from './sinks.js';

const log = createLogger('projector');

export const ALL_PROJECTIONS: readonly string[] = [...PROJECTIONS.map((p) => p.name), ORDER_SEARCH_PROJECTION.name, PAYMENT_SAGA.name];

/** The projections this process runs: env PROJECTIONS=a,b (default: all). */
export const selectedProjections = (): string[] =>
  (process.env['PROJECTIONS'] ?? ALL_PROJECTIONS.join(','))
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);

@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly kafka: Kafka = createKafka('projector');
  private readonly producer: Producer = this.kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  private readonly es = createElasticsearch(config.elasticsearchUrl, 5_000);
  private stopping = false;
  private sweeper: NodeJS.Timeout | null = null;
  private readonly saga: PaymentSagaRunner | null;
  private readonly store: EventStore;
  readonly consumers: ProjectionConsumer[];

  constructor(@Inject(PG_POOL) pool: Pool) {
    // Order search folds an order again from its stream when events do not follow on.
    const store = (this.store = createEventStore(pool));
    const selected = selectedProjections();
    this.saga = selected.includes(PAYMENT_SAGA.name) ? new PaymentSagaRunner(new PaymentSagaRepository(pool), new WritePath(store, {}), config.paymentTimeoutMs) : null;
    this.consumers = selected.map((name) => {
      if (name === ORDER_SEARCH_PROJECTION.name) return new ProjectionConsumer(orderSearchSink(this.es, store, config.orderSearchAlias), this.kafka, this.producer);
      if (name === PAYMENT_SAGA.name) return new ProjectionConsumer(paymentSagaSink(this.saga!), this.kafka, this.producer);
      return new ProjectionConsumer(postgresSink(projectionNamed(name), pool), this.kafka, this.producer);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    await ensureTopics(admin);
    await admin.disconnect();
    await this.producer.connect();
    const search = this.consumers.filter((c) => c.name === ORDER_SEARCH_PROJECTION.name);
    await Promise.all(this.consumers.filter((c) => !search.includes(c)).map((c) => c.start()));
    // The search consumer starts once its index exists; Elasticsearch being late holds back only it.
    if (search.length) void this.startSearch(search).catch((error: unknown) => log.error({ err: error }, 'search projection not started'));
    if (this.saga) this.startSweeper(this.saga);
  }

  /** Cancels orders whose payment is overdue, every second. */
  private startSweeper(saga: PaymentSagaRunner): void {
    let running = false;
    this.sweeper = setInterval(() => {
      if (running) return;
      running = true;
      saga.cancelOverdue()
        .catch((error: unknown) => log.warn({ err: error }, 'payment timeout sweep failed'))
        .finally(() => (running = false));
    }, 1_000);
  }

  private async startSearch(consumers: readonly ProjectionConsumer[]): Promise<void> {
    const policy = retry(handleAll, { maxAttempts: 30, backoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: 5_000, generator: fullJitterGenerator }) });
    policy.onRetry(({ delay }) => log.warn({ delay }, 'Elasticsearch not ready; retrying'));
    await policy.execute(async () => {
      if (this.stopping) return;
      await ensureOrderSearchIndex(this.es, config.orderSearchAlias);
      await Promise.all(consumers.map((c) => c.start()));
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all(this.consumers.map((c) => c.stop()));
    await this.producer.disconnect();
    await this.es.close();
    await releaseEventStore(this.store);
  }
}
