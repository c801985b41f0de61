import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { EventStore } from '#eventsourcing';
import type { Pool } from '../postgres/pool.js';
import { createEventStore, releaseEventStore } from '../event-store/event-store.factory.js';
import type { Config } from '../config/config.js';
import { CONFIG } from './config.module.js';
import { PG_POOL } from './database.module.js';
import { EVENT_STORE } from './event-store.token.js';
import { PostgresSnapshotStore } from '../event-store/postgres/postgres-snapshot-store.js';
import { WRITE_CACHING, WRITE_DEFAULTS, WritePath, type WriteCaching, type WriteDefaults } from './write-path.js';

export { EVENT_STORE };

/** Snapshots are kept beside the events: in PostgreSQL when it is the event store, else not at all. */
const writeCaching = (config: Config, pool: Pool): WriteCaching => ({
  cacheSize: config.aggregateCacheSize,
  snapshotEvery: config.snapshotEvery,
  ...(config.eventStore === 'postgres' && { snapshots: new PostgresSnapshotStore(pool) }),
});

/** The event store EVENT_STORE selects, released on shutdown, and the write path on it. Needs ConfigModule and DatabaseModule. */
@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(defaults: WriteDefaults = {}): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        { provide: EVENT_STORE, inject: [CONFIG, PG_POOL], useFactory: (config: Config, pool: Pool) => createEventStore(config, pool) },
        { provide: WRITE_DEFAULTS, useValue: defaults },
        { provide: WRITE_CACHING, inject: [CONFIG, PG_POOL], useFactory: (config: Config, pool: Pool) => writeCaching(config, pool) },
        WritePath,
      ],
      exports: [EVENT_STORE, WritePath],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await releaseEventStore(this.store);
  }
}
