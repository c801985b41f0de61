import { EventStoreDBClient } from '@eventstore/db-client';
import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Config } from '../config/config.js';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store.js';
import { createKafka, topicLayout } from '../kafka/kafka.js';
import { CONFIG } from '../nest/config.module.js';
import { watchRelayLag } from '../metrics/relay.metrics.js';
import { PG_POOL } from '../nest/database.module.js';
import type { Pool } from '../postgres/pool.js';
import { EventStoreDbRelay } from './eventstoredb-relay.js';
import { Relay, type EventRelay } from './relay.js';

/** Injection token of the relay (an EventRelay). */
export const RELAY = Symbol('RELAY');

/** The relay for the event store EVENT_STORE selects. */
export const createRelay = (config: Config, pool: Pool): EventRelay => {
  // A few quick retries inside kafkajs, then the relay's own backoff, so /health says `retrying`
  // within seconds rather than after kafkajs's half minute.
  const kafka = createKafka(config, 'relay', { initialRetryTime: 100, retries: 3 });
  const options = { batchSize: config.relayBatchSize, maxBatchBytes: config.relayMaxBatchBytes, pollIntervalMs: config.relayPollIntervalMs, topics: topicLayout(config) };
  if (config.eventStore === 'eventstoredb') {
    return new EventStoreDbRelay(EventStoreDBClient.connectionString(config.eventStoreConnectionString), kafka, options);
  }
  return new Relay(pool, new PostgresEventStore(pool, config.groupCommit), kafka, options);
};

/** Hosts the store → Kafka relay in the importing app unless RELAY_ENABLED=false. Needs DatabaseModule. */
@Module({
  providers: [{ provide: RELAY, inject: [CONFIG, PG_POOL], useFactory: createRelay }],
  exports: [RELAY],
})
export class RelayModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(RELAY) private readonly relay: EventRelay,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    watchRelayLag(() => this.relay.lag());
    if (this.config.relayEnabled) this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
