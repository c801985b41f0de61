import type { DomainEvent } from '#events';
import type { AggregateCache, Folded } from './aggregate-cache.js';
import type { Command, Decider } from './decider.js';
import type { EventCodec } from './event-codec.js';
import type { EventStore, StoredEvent } from './event-store.port.js';
import type { SnapshotStore } from './snapshot-store.port.js';

/** Where the write path gets streams from: the store, and optionally a cache and snapshots. */
export interface AggregateSource {
  readonly store: EventStore;
  readonly cache?: AggregateCache;
  readonly snapshots?: SnapshotStore;
  /** Take a snapshot once the state is this many events past the last one (0 or absent: never). */
  readonly snapshotEvery?: number;
  /** A snapshot that could not be saved: it is only a shortcut, so this is told and nothing else. */
  readonly onSnapshotError?: (error: unknown, streamId: string) => void;
}

export type Folding<E extends DomainEvent, S> = Pick<Decider<Command, E, S>, 'evolve' | 'initialState' | 'snapshot'>;

/** A stream as loaded: the folded state, and the events this load read from the store. */
export interface Loaded<S> extends Folded<S> {
  readonly read: readonly StoredEvent[];
}

const empty = <S>(decider: Folding<never, S>): Folded<S> => ({ state: decider.initialState, revision: null, position: null, snapshotRevision: null });

/** The stream's snapshot as a starting point, when it has one of the decider's current version. */
const fromSnapshot = async <E extends DomainEvent, S>(source: AggregateSource, decider: Folding<E, S>, streamId: string): Promise<Folded<S> | undefined> => {
  const shape = decider.snapshot;
  if (!shape || !source.snapshots || !source.snapshotEvery) return undefined;
  const snapshot = await source.snapshots.load(streamId);
  // A snapshot of another shape is ignored: the events are folded again, and a new one is taken.
  if (!snapshot || snapshot.stateVersion !== shape.version) return undefined;
  return { state: shape.fromJson(snapshot.state), revision: snapshot.revision, position: snapshot.position, snapshotRevision: snapshot.revision };
};

/** `base` with the events after its revision folded in (upcast by the codec); events it holds already are skipped. */
export const foldOnto = <E extends DomainEvent, S>(decider: Folding<E, S>, codec: EventCodec<E>, base: Folded<S>, events: readonly StoredEvent[]): Folded<S> => {
  const after = base.revision ?? -1;
  let { state, revision, position } = base;
  for (const stored of events) {
    if (stored.streamRevision <= after) continue;
    state = decider.evolve(state, codec.decode(stored));
    revision = stored.streamRevision;
    position = stored.globalPosition;
  }
  return { ...base, state, revision, position };
};

/**
 * Keeps a folded state in the cache, and snapshots it when it is `snapshotEvery` events past the
 * last snapshot. The snapshot is saved in the background: it never holds up a command. Returns
 * what it kept (with the snapshot's revision when it took one).
 */
export const remember = <E extends DomainEvent, S>(source: AggregateSource, decider: Folding<E, S>, streamId: string, folded: Folded<S>): Folded<S> => {
  let kept = folded;
  const every = source.snapshotEvery ?? 0;
  const { snapshot: shape } = decider;
  if (shape && source.snapshots && every > 0 && folded.revision !== null && folded.position !== null && folded.revision - (folded.snapshotRevision ?? -1) >= every) {
    kept = { ...folded, snapshotRevision: folded.revision };
    const snapshot = { streamId, revision: folded.revision, position: folded.position, state: shape.toJson(folded.state), stateVersion: shape.version };
    void source.snapshots.save(snapshot).catch((error: unknown) => source.onSnapshotError?.(error, streamId));
  }
  source.cache?.set(decider, streamId, kept);
  return kept;
};

/**
 * Loads a stream for a decision: from `from` when given (what this caller folded before), else
 * from the cache, else from a snapshot, else from the start; then reads only the events after
 * that revision and folds them in. The result is remembered for the next command.
 */
export const loadAggregate = async <E extends DomainEvent, S>(
  source: AggregateSource,
  decider: Folding<E, S>,
  codec: EventCodec<E>,
  streamId: string,
  from?: Folded<S>,
): Promise<Loaded<S>> => {
  const base = from ?? source.cache?.get<S>(decider, streamId) ?? (await fromSnapshot(source, decider, streamId)) ?? empty(decider);
  const read = await source.store.readStream(streamId, (base.revision ?? -1) + 1);
  return { ...remember(source, decider, streamId, foldOnto(decider, codec, base, read)), read };
};
