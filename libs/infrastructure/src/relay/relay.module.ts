import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { config } from '../config/config.js';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store.js';
import { createKafka } from '../kafka/kafka.js';
import { PG_POOL } from '../nest/database.module.js';
import type { Pool } from '../postgres/pool.js';
import { Relay } from './relay.js';

export const createRelay = (pool: Pool): Relay =>
  new Relay(pool, new PostgresEventStore(pool), createKafka(`${config.kafkaClientId}-relay`), {
    batchSize: config.relayBatchSize,
    pollIntervalMs: config.relayPollIntervalMs,
  });

/** Hosts the store → Kafka relay in the importing app unless RELAY_ENABLED=false. Needs DatabaseModule. */
@Module({
  providers: [{ provide: Relay, inject: [PG_POOL], useFactory: createRelay }],
  exports: [Relay],
})
export class RelayModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(Relay) private readonly relay: Relay) {}

  onApplicationBootstrap(): void {
    if (config.relayEnabled) this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
