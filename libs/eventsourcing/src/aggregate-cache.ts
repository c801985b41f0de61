import { LRUCache } from 'lru-cache';

/** A stream folded up to a revision. */
export interface Folded<S> {
  readonly state: S;
  /** The revision folded up to; null for a stream with no events. */
  readonly revision: number | null;
  /** Global position of the event at `revision`; null for a stream with no events. */
  readonly position: string | null;
  /** The revision of the stream's latest snapshot known here, so the next is taken N events later. */
  readonly snapshotRevision: number | null;
}

interface Entry {
  /** The decider that folded it: a state is only ever handed back to the same decider. */
  readonly decider: object;
  readonly folded: Folded<unknown>;
}

/**
 * Folded aggregates of this process by stream id, the least recently used dropped beyond `max`.
 * An entry is a correct prefix of its stream for ever (events are never changed), so it is never
 * wrong, only maybe behind: a reader folds the events after its revision before using it.
 */
export class AggregateCache {
  private readonly entries: LRUCache<string, Entry>;

  constructor(max: number) {
    this.entries = new LRUCache<string, Entry>({ max });
  }

  get<S>(decider: object, streamId: string): Folded<S> | undefined {
    const entry = this.entries.get(streamId);
    return entry?.decider === decider ? (entry.folded as Folded<S>) : undefined;
  }

  /** Keeps the newer of what is kept and `folded`: a slow reader never puts an older state back. */
  set<S>(decider: object, streamId: string, folded: Folded<S>): void {
    const kept = this.entries.peek(streamId);
    if (kept?.decider === decider && (kept.folded.revision ?? -1) > (folded.revision ?? -1)) return;
    this.entries.set(streamId, { decider, folded });
  }

  delete(streamId: string): void {
    this.entries.delete(streamId);
  }

  get size(): number {
    return this.entries.size;
  }
}
