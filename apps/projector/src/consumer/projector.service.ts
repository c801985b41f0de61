import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { EventStore } from '#eventsourcing';
import type { Config } from '#infra/config/config';
import type { Elasticsearch } from '#infra/elasticsearch/elasticsearch';
import { ensureTopics, topicLayout } from '#infra/kafka/kafka';
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
import { ConsumerLag } from './consumer-lag.js';
import { Dependency } from './dependency.js';
import { ParkedStreamsMonitor } from './parked-streams.monitor.js';
import { ProjectionConsumer, type ProjectionSink } from './projection-consumer.js';
import { watchProjections } from './projector.metrics.js';
import { orderSearchSink, postgresSink } from './sinks.js';

/**
 * The consumers of the projections this process runs (PROJECTIONS), stopped at shutdown. They
 * start once Kafka answers (and, for order search, once its index exists): until then the
 * projector serves /health with 503 and keeps trying, with jittered backoff.
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly producer: Producer;
  private readonly stopping = new AbortController();
  readonly consumers: ProjectionConsumer[];
  readonly kafkaReady = new Dependency('kafka');
  readonly searchReady = new Dependency('elasticsearch');
  readonly parked: ParkedStreamsMonitor;
  private readonly lag: ConsumerLag;

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
    this.lag = new ConsumerLag(kafka);
    watchProjections({ consumers: this.consumers, lag: this.lag, parked: this.parked });
  }

  get runsSearch(): boolean {
    return this.consumers.some((c) => c.name === ORDER_SEARCH_PROJECTION.name);
  }

  onApplicationBootstrap(): void {
    const signal = this.stopping.signal;
    const search = this.consumers.filter((c) => c.name === ORDER_SEARCH_PROJECTION.name);
    const kafka = this.kafkaReady.keepTrying(() => this.connectKafka(), signal);
    // Elasticsearch being late holds back only the search consumer.
    const index = search.length
      ? this.searchReady.keepTrying(async () => void (await ensureOrderSearchIndex(this.es, this.config.orderSearchAlias)), signal)
      : Promise.resolve(true);
    const startAll = (consumers: readonly ProjectionConsumer[]) => async (ready: boolean): Promise<void> => {
      if (ready) await Promise.all(consumers.map((c) => c.start()));
    };
    void kafka.then(startAll(this.consumers.filter((c) => !search.includes(c))));
    void Promise.all([kafka, index]).then(([ok, indexed]) => startAll(search)(ok && indexed));
  }

  /** The topics exist and the dead-letter producer is connected. */
  private async connectKafka(): Promise<void> {
    // One try per attempt: the backoff between attempts is ours.
    const admin = this.kafka.admin({ retry: { retries: 0 } });
    await admin.connect();
    try {
      await ensureTopics(admin, topicLayout(this.config));
    } finally {
      await admin.disconnect();
    }
    await this.producer.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await Promise.all([...this.consumers.map((c) => c.stop()), this.lag.close()]);
    await this.producer.disconnect();
  }
}
