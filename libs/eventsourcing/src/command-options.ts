import type { DomainEvent, EventMetadata, AppendMetadata } from '#events';
import type { EventCodec } from './event-codec.js';
import type { EventStore, StoredEvent } from './event-store.port.js';

export interface HandleCommandOptions<E extends DomainEvent> {
  readonly codec: EventCodec<E>;
  /** Stored on every event: actor, correlation, causation, trace, idempotency key. */
  readonly metadata: AppendMetadata;
  /**
   * The id of the n-th new event: random, or derived from a name. Asked once per index for the
   * whole call, so every attempt writes the same ids.
   */
  readonly newEventId: (index: number) => string;
  /** The revision the caller saw (If-Match): the command is conditional and a conflict is its answer. */
  readonly expectedRevision?: number;
  /** How often an unconditional command is decided in all (10 by default). */
  readonly maxAttempts?: number;
  /** The wait before deciding again after a lost race (attempt is 1-based); full jitter by default. */
  readonly backoff?: (attempt: number) => Promise<void>;
  /**
   * With `metadata.idempotencyKey`: an event of this stream that carries the key and occurred at
   * most this long before the command answers it again instead of deciding (an attempt that
   * stopped between appending and answering). Without it the key is not looked for.
   */
  readonly idempotencyWindowMs?: number;
  /** Told of each lost race before the command is decided again (attempt is 1-based): for metrics. */
  readonly onLostRace?: (attempt: number) => void;
}

export interface CommandResult {
  readonly streamId: string;
  /** The stream's revision after the command; null when the stream is still empty. */
  readonly revision: number | null;
  /** Global position of that revision's event; null when the stream is still empty. */
  readonly position: string | null;
  /** Events this call appended: 0 when nothing was due or the key had been handled already. */
  readonly appended: number;
}

export const resultAt = (streamId: string, event: StoredEvent | undefined, appended = 0): CommandResult => ({
  streamId,
  revision: event?.streamRevision ?? null,
  position: event?.globalPosition ?? null,
  appended,
});

/** Whose key it is: idempotency keys are scoped per caller, so one caller's key never answers another's. */
const keyOwner = (metadata: EventMetadata): string | null => {
  const { actor } = metadata;
  if (actor === undefined) return null;
  return typeof actor === 'string' ? actor : actor.subject;
};

/**
 * The latest event of the stream that carries the command's idempotency key, from the same
 * caller, within the window: the answer of an attempt that stopped between appending and
 * answering. It is looked up by the key (an index of the store) and not in the folded stream,
 * because a cached or snapshotted state no longer holds the events it was folded from; a store
 * without that lookup has the whole stream read instead.
 */
export const handledBefore = async (store: EventStore, streamId: string, metadata: EventMetadata, now: string, windowMs: number | undefined): Promise<StoredEvent | undefined> => {
  const key = metadata.idempotencyKey;
  if (key === undefined || windowMs === undefined) return undefined;
  const since = Date.parse(now) - windowMs;
  const owner = keyOwner(metadata);
  const carrying = store.readByIdempotencyKey ? await store.readByIdempotencyKey(streamId, key) : await store.readStream(streamId);
  return carrying.findLast((e) => e.metadata.idempotencyKey === key && keyOwner(e.metadata) === owner && Date.parse(e.occurredAt) >= since);
};
