import type { NewEvent } from '#events';
import {
  comparePositions, WrongExpectedRevisionError,
  type AppendResult, type EventStore, type ExpectedRevision, type LogPosition, type ReadAllPage, type StoredEvent,
} from './event-store.port.js';

/**
 * An event store in memory, for unit tests of command handling and workflows. It passes the same
 * contract suite as the real adapters; integration and end-to-end tests use those.
 */
export class InMemoryEventStore implements EventStore {
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly eventIds = new Set<string>();
  private commits = 0n;

  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const stream = this.streams.get(streamId) ?? [];
    const current = stream.length ? stream.length - 1 : null;
    const matches = expected === 'any' || (expected === 'no_stream' ? current === null : expected === current);
    if (!matches) return Promise.reject(new WrongExpectedRevisionError(streamId, expected, current));
    const duplicate = events.find((e) => this.eventIds.has(e.eventId));
    if (duplicate) return Promise.reject(new Error(`Event ${duplicate.eventId} is already stored`));
    const commit = ++this.commits;
    const stored = events.map((event, i): StoredEvent => {
      const prepare = BigInt(this.log.length + i + 1);
      return { ...event, streamId, streamRevision: stream.length + i, globalPosition: prepare.toString(), logPosition: { commit, prepare } };
    });
    this.log.push(...stored);
    this.streams.set(streamId, [...stream, ...stored]);
    for (const e of events) this.eventIds.add(e.eventId);
    const last = stored.at(-1) ?? stream.at(-1);
    return Promise.resolve({
      nextRevision: last?.streamRevision ?? -1,
      globalPosition: last?.globalPosition ?? '0',
      logPosition: last?.logPosition ?? { commit, prepare: 0n },
    });
  }

  readStream(streamId: string, fromRevision = 0): Promise<StoredEvent[]> {
    return Promise.resolve((this.streams.get(streamId) ?? []).slice(fromRevision));
  }

  async readByIdempotencyKey(streamId: string, idempotencyKey: string): Promise<StoredEvent[]> {
    return (await this.readStream(streamId)).filter((e) => e.metadata.idempotencyKey === idempotencyKey);
  }

  readAll(from: LogPosition, batchSize: number): Promise<ReadAllPage> {
    const events = this.log.filter((e) => comparePositions(e.logPosition, from) > 0).slice(0, batchSize);
    return Promise.resolve({ events, next: events.at(-1)?.logPosition ?? from });
  }

  readableHead(): Promise<LogPosition> {
    return Promise.resolve({ commit: this.commits + 1n, prepare: 0n });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
