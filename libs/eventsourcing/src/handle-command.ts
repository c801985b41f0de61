import type { DomainEvent, EventMetadata } from '#events';
import type { Command, Decider } from './decider.js';
import type { EventCodec } from './event-codec.js';
import { WrongExpectedRevisionError, type EventStore, type StoredEvent } from './event-store.port.js';

export interface HandleCommandOptions<E extends DomainEvent> {
  readonly codec: EventCodec<E>;
  /** Stored on every event: actor, correlation, causation, trace, idempotency key. */
  readonly metadata: EventMetadata;
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

const jitter = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));

const resultAt = (streamId: string, event: StoredEvent | undefined, appended = 0): CommandResult => ({
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

const handledBefore = (history: readonly StoredEvent[], metadata: EventMetadata, now: string, windowMs: number | undefined): StoredEvent | undefined => {
  const key = metadata.idempotencyKey;
  if (key === undefined || windowMs === undefined) return undefined;
  const since = Date.parse(now) - windowMs;
  const owner = keyOwner(metadata);
  return history.findLast((e) => e.metadata.idempotencyKey === key && keyOwner(e.metadata) === owner && Date.parse(e.occurredAt) >= since);
};

/** The events of this call that are in the stream after all, as its result; undefined when there are none. */
const appendedAfterAll = async (store: EventStore, streamId: string, ids: readonly string[]): Promise<CommandResult | undefined> => {
  if (!ids.length) return undefined;
  const mine = (await store.readStream(streamId)).filter((e) => ids.includes(e.eventId));
  return mine.length ? resultAt(streamId, mine.at(-1), mine.length) : undefined;
};

const attempt = async <C extends Command, E extends DomainEvent, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  streamId: string,
  command: C,
  options: HandleCommandOptions<E>,
  eventId: (index: number) => string,
  ids: readonly string[],
): Promise<CommandResult> => {
  const history = await store.readStream(streamId);
  const last = history.at(-1);
  const current = last?.streamRevision ?? null;
  // An earlier attempt of this call whose append committed although it was reported as failed
  // (a connection lost after COMMIT): its events are the answer, never a second copy.
  const mine = ids.length ? history.filter((e) => ids.includes(e.eventId)) : [];
  if (mine.length) return resultAt(streamId, mine.at(-1), mine.length);
  const done = handledBefore(history, options.metadata, command.metadata.now, options.idempotencyWindowMs);
  if (done) return resultAt(streamId, done);
  if (options.expectedRevision !== undefined && options.expectedRevision !== current) {
    throw new WrongExpectedRevisionError(streamId, options.expectedRevision, current);
  }
  const state = history.reduce((s, stored) => decider.evolve(s, options.codec.decode(stored)), decider.initialState);
  const events = decider.decide(command, state);
  if (events.length === 0) return resultAt(streamId, last);
  const appended = await store.append(
    streamId,
    events.map((event, i) => ({
      eventId: eventId(i),
      type: event.type,
      schemaVersion: options.codec.schemaVersion(event.type),
      occurredAt: command.metadata.now,
      data: event.data,
      metadata: options.metadata,
    })),
    current ?? 'no_stream',
  );
  return { streamId, revision: appended.nextRevision, position: appended.globalPosition, appended: events.length };
};

/**
 * The one write path: read the stream, fold it, decide, append at the revision read, so that a
 * concurrent writer makes this append fail rather than both succeed. A command without an
 * expected revision asked for the outcome, not for a revision: after a lost race it is decided
 * again on the new state. With one, the conflict is the answer. Every attempt writes the same
 * event ids, so an append that committed although it was reported as failed is found in the
 * stream and answered, never applied twice.
 */
export const handleCommand = async <C extends Command, E extends DomainEvent, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  streamId: string,
  command: C,
  options: HandleCommandOptions<E>,
): Promise<CommandResult> => {
  const maxAttempts = options.maxAttempts ?? 10;
  const ids: string[] = [];
  const eventId = (index: number): string => (ids[index] ??= options.newEventId(index));
  for (let n = 1; ; n++) {
    try {
      return await attempt(store, decider, streamId, command, options, eventId, ids);
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      if (options.expectedRevision !== undefined || n >= maxAttempts) {
        const applied = await appendedAfterAll(store, streamId, ids);
        if (applied) return applied;
        throw error;
      }
      options.onLostRace?.(n);
      await (options.backoff ?? jitter)(n);
    }
  }
};
