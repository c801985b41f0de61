import type { NewEvent } from '#events';
import type { AppendResult, EventStore, ExpectedRevision, StoredEvent } from '#eventsourcing';
import { inSpan } from './tracing.js';

/** The write path's reads and appends as spans (`readStream`, `append`), around whichever adapter. */
export const tracedEventStore = (store: EventStore): EventStore => ({
  append: (streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> =>
    inSpan('append', { attributes: { 'ledger.stream_id': streamId, 'ledger.event_count': events.length, 'ledger.event_types': events.map((e) => e.type).join(',') } }, () => store.append(streamId, events, expected)),
  readStream: (streamId: string, fromRevision?: number): Promise<StoredEvent[]> =>
    inSpan('readStream', { attributes: { 'ledger.stream_id': streamId } }, () => store.readStream(streamId, fromRevision)),
  ...(store.readByIdempotencyKey && {
    readByIdempotencyKey: (streamId: string, key: string): Promise<StoredEvent[]> =>
      inSpan('readByIdempotencyKey', { attributes: { 'ledger.stream_id': streamId } }, () => store.readByIdempotencyKey!(streamId, key)),
  }),
  readAll: (from, batchSize, filter) => store.readAll(from, batchSize, filter),
  readableHead: () => store.readableHead(),
  close: () => store.close(),
});
