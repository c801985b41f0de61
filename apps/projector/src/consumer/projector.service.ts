import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ExponentialBackoff, fullJitterGenerator, handleAll, retry } from 'cockatiel';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { EventStore } from '#eventsourcing';
import type { Config } from '#infra/config/config';
import type { Elasticsearch } from '#infra/elasticsearch/elasticsearch';
import { ensureTopics } from '#infra/kafka/kafka';
import { createLogger } from '#infra/logging/logger';
import { CONFIG } from '#infra/nest/config.module';
import { PG_POOL } from '#infra/nest/database.module';
import { ELASTICSEARCH } from '#infra/nest/elasticsearch.module';
import { EVENT_STORE } from '#infra/nest/event-store.module';
import { KAFKA } from '#infra/nest/kafka.module';
import type { Pool } from '#infra/postgres/pool';
import { isProjectionName, projectionNamed } from '../projections/registry.js';
import { PaymentSagaRunner } from '../saga/payment-saga.runner.js';
import { PAYMENT_SAGA, paymentSagaSink } from '../saga/payment-saga.sink.js';
import { ensureOrderSearchIndex } from '../search/order-search.index.js';
import { ORDER_SEARCH_PROJECTION } from '../search/order-search.projection.js';
import { ParkedStreamsMonitor } from './parked-streams.monitor.js';
import { ProjectionConsumer, type ProjectionSink } from './projection-consumer.js';
import { orderSearchSink, postgresSink } from './sinks.js';

const log = createLogger('projector');

/** The consumers of the projections this process runs (PROJECTIONS): started at boot, stopped at shutdown. */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly producer: Producer;
  private stopping = false;
  readonly consumers: ProjectionConsumer[];
  readonly parked: ParkedStreamsMonitor;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(ELASTICSEARCH) private readonly es: Elasticsearch,
    @Inject(PG_POOL) pool: Pool,
    // Order search folds an order again from its stream when events do not follow on.
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(PaymentSagaRunner) saga: PaymentSagaRunner,
  ) {
    this.producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    const sinkFor = (name: string): ProjectionSink => {
      if (name === ORDER_SEARCH_PROJECTION.name) return orderSearchSink(es, store, config.orderSearchAlias);
      if (name === PAYMENT_SAGA.name) return paymentSagaSink(saga);
      return postgresSink(projectionNamed(name), pool);
    };
    this.consumers = config.projections.map((name) => new ProjectionConsumer(sinkFor(name), kafka, this.producer, config));
    this.parked = new ParkedStreamsMonitor(pool, config.projections.filter(isProjectionName).map(projectionNamed));
  }

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    await ensureTopics(admin, this.config.kafkaPartitions);
    await admin.disconnect();
    await this.producer.connect();
    const search = this.consumers.filter((c) => c.name === ORDER_SEARCH_PROJECTION.name);
    await Promise.all(this.consumers.filter((c) => !search.includes(c)).map((c) => c.start()));
    // The search consumer starts once its index exists; Elasticsearch being late holds back only it.
    if (search.length) void this.startSearch(search).catch((error: unknown) => log.error({ err: error }, 'search projection not started'));
  }

  private async startSearch(consumers: readonly ProjectionConsumer[]): Promise<void> {
    const policy = retry(handleAll, { maxAttempts: 30, backoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: 5_000, generator: fullJitterGenerator }) });
    policy.onRetry(({ delay }) => log.warn({ delay }, 'Elasticsearch not ready; retrying'));
    await policy.execute(async () => {
      if (this.stopping) return;
      await ensureOrderSearchIndex(this.es, this.config.orderSearchAlias);
      await Promise.all(consumers.map((c) => c.start()));
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.consumers.map((c) => c.stop()));
    await this.producer.disconnect();
  }
}
