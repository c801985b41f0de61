import type { EventEnvelope, NewEvent } from '#events';

/** The revision a writer expects a stream to be at: a number, no stream yet, or anything. */
export type ExpectedRevision = number | 'no_stream' | 'any';

/**
 * A place in the global log, in the order readers see it. Like EventStoreDB's position it has two
 * parts: `commit` orders transactions, `prepare` orders events within one. Compare with
 * `comparePositions`; persist both parts.
 */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const START_OF_LOG: LogPosition = { commit: 0n, prepare: 0n };

export const comparePositions = (a: LogPosition, b: LogPosition): number =>
  a.commit !== b.commit ? (a.commit < b.commit ? -1 : 1) : a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;

export interface AppendResult {
  /** Revision of the last event appended (0-based). */
  readonly nextRevision: number;
  /** `globalPosition` of the last event appended. */
  readonly globalPosition: string;
  readonly logPosition: LogPosition;
}

export interface StoredEvent extends EventEnvelope {
  readonly logPosition: LogPosition;
}

/** Which events a reader of the whole log wants. */
export interface ReadAllFilter {
  /** Stream categories (`<category>-<id>`); all when absent. */
  readonly categories?: readonly string[];
}

export interface ReadAllPage {
  readonly events: readonly StoredEvent[];
  /**
   * Where to continue reading: after the last record examined (an adapter may leave records out,
   * e.g. EventStoreDB's system events, and so move past the last event returned), or `from`.
   */
  readonly next: LogPosition;
}

/** Thrown when a stream is not at the revision the writer expected. Nothing was appended. */
export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's current revision, or null when it does not exist. */
    readonly actual: number | null,
  ) {
    super(`Stream ${streamId} is at revision ${actual ?? 'none'}, expected ${String(expected)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** The event store: the source of truth. */
export interface EventStore {
  /**
   * Appends events to a stream atomically if it is at `expected`; fails with
   * WrongExpectedRevisionError otherwise, appending nothing.
   */
  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;

  /** A stream's events from `fromRevision` on, in revision order; empty when it does not exist. */
  readStream(streamId: string, fromRevision?: number): Promise<StoredEvent[]>;

  /**
   * The stream's events whose metadata carries this idempotency key, in revision order. Optional:
   * without it the write path reads the whole stream to find them.
   */
  readByIdempotencyKey?(streamId: string, idempotencyKey: string): Promise<StoredEvent[]>;

  /**
   * Up to `batchSize` events after `from` in global log order. Never passes over an event that a
   * transaction still in flight may commit later: such events appear in a later call. `filter` is
   * a hint: an adapter may leave out the events it does not match (so a page holds up to
   * `batchSize` of those it does), or return them all; callers still check what they get.
   */
  readAll(from: LogPosition, batchSize: number, filter?: ReadAllFilter): Promise<ReadAllPage>;

  /**
   * A bound on the log as of now: every event before it can be read now, and every event that
   * commits later is at or after it. Lets a reader that chases a busy log stop at "now".
   */
  readableHead(): Promise<LogPosition>;

  close(): Promise<void>;
}
