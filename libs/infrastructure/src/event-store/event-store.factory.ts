import type { Config } from '../config/config.js';
import type { Pool } from '../postgres/pool.js';
import type { EventStore } from '#eventsourcing';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.js';
import { PostgresEventStore } from './postgres/postgres-event-store.js';

/**
 * The adapter EVENT_STORE selects. The PostgreSQL one shares the caller's pool (the caller ends
 * it); an EventStoreDB one owns its client, released by `releaseEventStore`.
 */
export const createEventStore = (config: Pick<Config, 'eventStore' | 'eventStoreConnectionString' | 'groupCommit'>, pool: Pool): EventStore =>
  config.eventStore === 'eventstoredb' ? EventStoreDbEventStore.connect(config.eventStoreConnectionString) : new PostgresEventStore(pool, config.groupCommit);

export const releaseEventStore = async (store: EventStore): Promise<void> => {
  if (!(store instanceof PostgresEventStore)) await store.close();
};
