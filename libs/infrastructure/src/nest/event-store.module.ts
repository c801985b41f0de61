import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { EventStore } from '#eventsourcing';
import type { Pool } from '../postgres/pool.js';
import { createEventStore, releaseEventStore } from '../event-store/event-store.factory.js';
import type { Config } from '../config/config.js';
import { CONFIG } from './config.module.js';
import { PG_POOL } from './database.module.js';
import { EVENT_STORE } from './event-store.token.js';
import { WRITE_DEFAULTS, WritePath, type WriteDefaults } from './write-path.js';

export { EVENT_STORE };

/** The event store EVENT_STORE selects, released on shutdown, and the write path on it. Needs ConfigModule and DatabaseModule. */
@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(defaults: WriteDefaults = {}): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [{ provide: EVENT_STORE, inject: [CONFIG, PG_POOL], useFactory: (config: Config, pool: Pool) => createEventStore(config, pool) }, { provide: WRITE_DEFAULTS, useValue: defaults }, WritePath],
      exports: [EVENT_STORE, WritePath],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await releaseEventStore(this.store);
  }
}
