import { ANY, jsonEvent, NO_STREAM, type WrongExpectedVersionError, type AllStreamRecordedEvent, type AppendExpectedRevision, type EventData, type Position, type RecordedEvent } from '@eventstore/db-client';
import type { EventMetadata, NewEvent } from '#events';
import { WrongExpectedRevisionError, type ExpectedRevision, type LogPosition, type StoredEvent } from '#eventsourcing';

/** What we keep in EventStoreDB's event metadata besides the envelope's own metadata. */
interface StoredMetadata extends EventMetadata {
  readonly schemaVersion: number;
  readonly occurredAt: string;
}

export const toExpectedRevision = (expected: ExpectedRevision): AppendExpectedRevision => {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  if (!Number.isSafeInteger(expected) || expected < 0) throw new RangeError(`Invalid expected revision ${String(expected)}`);
  return BigInt(expected);
};

const fromEsdbRevision = (revision: AppendExpectedRevision): ExpectedRevision => {
  if (revision === NO_STREAM) return 'no_stream';
  if (typeof revision === 'bigint') return Number(revision);
  return 'any';
};

/** EventStoreDB's wrong-expected-version error as the port's typed concurrency error. */
export const toConcurrencyError = (error: WrongExpectedVersionError, streamId = error.streamName): WrongExpectedRevisionError =>
  new WrongExpectedRevisionError(streamId, fromEsdbRevision(error.expectedVersion), typeof error.actualVersion === 'bigint' ? Number(error.actualVersion) : null);

export const toEventData = (event: NewEvent): EventData => {
  const metadata: StoredMetadata = { ...event.metadata, schemaVersion: event.schemaVersion, occurredAt: event.occurredAt };
  return jsonEvent({ id: event.eventId, type: event.type, data: event.data as Record<string, unknown>, metadata: metadata as unknown as Record<string, unknown> });
};

export const toLogPosition = (position: Position): LogPosition => ({ commit: position.commit, prepare: position.prepare });

/** The stored event an EventStoreDB record stands for; `globalPosition` is its prepare position. */
export const toStoredEvent = (recorded: RecordedEvent | AllStreamRecordedEvent): StoredEvent => {
  if (!recorded.isJson) throw new Error(`Event ${recorded.id} in ${recorded.streamId} is not JSON`);
  const { schemaVersion, occurredAt, ...metadata } = (recorded.metadata ?? {}) as Partial<StoredMetadata>;
  const position = recorded.position ?? { commit: 0n, prepare: 0n };
  return {
    eventId: recorded.id,
    type: recorded.type,
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
    streamId: recorded.streamId,
    streamRevision: Number(recorded.revision),
    globalPosition: position.prepare.toString(),
    occurredAt: typeof occurredAt === 'string' ? occurredAt : recorded.created.toISOString(),
    data: recorded.data,
    metadata: { correlationId: '', causationId: null, ...metadata },
    logPosition: toLogPosition(position),
  };
};

/** `$`-prefixed streams and types are EventStoreDB's own (stats, settings, projections, links). */
export const isSystemRecord = (recorded: { streamId: string; type: string }): boolean => recorded.streamId.startsWith('$') || recorded.type.startsWith('$');

/** The first position after `position`: a bound that puts `position` itself behind the reader. */
export const positionAfter = (position: LogPosition): LogPosition => ({ commit: position.commit, prepare: position.prepare + 1n });
