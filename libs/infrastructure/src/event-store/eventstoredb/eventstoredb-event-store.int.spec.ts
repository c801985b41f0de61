import { eventStoreContract } from '#eventsourcing/testing';
import { EventStoreDbEventStore } from './eventstoredb-event-store.js';

// No EventStoreDB server can be had on the machine this project is built on: the suite runs
// whenever EVENTSTORE_CONNECTION_STRING points at one (docker-compose provides one) and is
// reported as skipped, with the reason, otherwise.
const connectionString = process.env['EVENTSTORE_CONNECTION_STRING'];

eventStoreContract(
  'EventStoreDB',
  () => Promise.resolve(EventStoreDbEventStore.connect(connectionString!)),
  connectionString ? undefined : 'EVENTSTORE_CONNECTION_STRING is not set, so there is no EventStoreDB server to test against',
);
