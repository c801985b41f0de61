import { BACKWARDS, END, EventStoreDBClient, FORWARDS, START, StreamNotFoundError, WrongExpectedVersionError } from '@eventstore/db-client';
import type { NewEvent } from '#events';
import {
  comparePositions, START_OF_LOG, type AppendResult, type EventStore, type ExpectedRevision, type LogPosition, type ReadAllPage, type StoredEvent,
} from '#eventsourcing';
import { isSystemRecord, positionAfter, toConcurrencyError, toEventData, toExpectedRevision, toLogPosition, toStoredEvent } from './eventstoredb.mapping.js';

/**
 * The event store port on EventStoreDB (KurrentDB) with `@eventstore/db-client`. Its `$all` is
 * one committed log, so reading it in order never meets an event that commits later; system
 * records (`$`-streams and `$`-types) are left out.
 */
export class EventStoreDbEventStore implements EventStore {
  constructor(private readonly client: EventStoreDBClient) {}

  static connect(connectionString: string): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString));
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    try {
      const result = await this.client.appendToStream(streamId, events.map(toEventData), { expectedRevision: toExpectedRevision(expected) });
      const position = result.position ? toLogPosition(result.position) : START_OF_LOG;
      return { nextRevision: Number(result.nextExpectedRevision), globalPosition: position.prepare.toString(), logPosition: position };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw toConcurrencyError(error, streamId);
      throw error;
    }
  }

  async readStream(streamId: string, fromRevision = 0): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, { fromRevision: BigInt(fromRevision), direction: FORWARDS })) {
        if (resolved.event) events.push(toStoredEvent(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readAll(from: LogPosition, batchSize: number): Promise<ReadAllPage> {
    const events: StoredEvent[] = [];
    let next = from;
    const fromPosition = comparePositions(from, START_OF_LOG) === 0 ? START : from;
    // Reading from a position includes the record at it: ask for one more and drop it.
    for await (const resolved of this.client.readAll({ fromPosition, direction: FORWARDS, maxCount: batchSize + 1 })) {
      const recorded = resolved.event;
      if (!recorded || comparePositions(toLogPosition(recorded.position), from) <= 0) continue;
      next = toLogPosition(recorded.position);
      if (!isSystemRecord(recorded)) events.push(toStoredEvent(recorded));
      if (events.length === batchSize) break;
    }
    return { events, next };
  }

  async readableHead(): Promise<LogPosition> {
    for await (const resolved of this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 })) {
      if (resolved.event) return positionAfter(toLogPosition(resolved.event.position));
    }
    return START_OF_LOG;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}
