import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { createEventStore, releaseEventStore } from '../event-store/event-store.factory.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { PG_POOL } from './database.module.js';

/** Injection token of the EventStore port. */
export const EVENT_STORE = Symbol('EVENT_STORE');

/** The event store EVENT_STORE selects, released on shutdown. Needs DatabaseModule. */
@Global()
@Module({
  providers: [{ provide: EVENT_STORE, inject: [PG_POOL], useFactory: createEventStore }],
  exports: [EVENT_STORE],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await releaseEventStore(this.store);
  }
}
