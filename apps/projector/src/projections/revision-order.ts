import type { EventEnvelope, KnownEvent } from '#events';
import { ProjectionError, type ApplyOutcome } from './projection.js';

type Envelope = EventEnvelope<KnownEvent>;

/** A stream held at a gap, with the events that wait for the missing revision (in revision order). */
export interface ParkedStream {
  readonly streamId: string;
  readonly waiting: readonly Envelope[];
}

/** Where a stream of the batch stands afterwards; no `waiting`: it is not (or no longer) parked. */
export interface StreamProgress {
  readonly streamId: string;
  readonly expected: number;
  readonly waiting: readonly Envelope[];
  readonly wasParked: boolean;
}

export interface RevisionOrderOutcome {
  readonly applied: number;
  readonly skipped: number;
  /** Events of the batch that wait behind a gap. */
  readonly parked: number;
  readonly streams: readonly StreamProgress[];
}

const byStream = (events: readonly Envelope[]): Map<string, Envelope[]> => {
  const streams = new Map<string, Envelope[]>();
  for (const event of events) {
    const list = streams.get(event.streamId);
    if (list) list.push(event);
    else streams.set(event.streamId, [event]);
  }
  return streams;
};

/**
 * Hands each stream's events to `apply` in revision order without gaps. An event already applied
 * (at or below `appliedRevision`, -1 for a new stream) is skipped; the next one is applied
 * (`apply` returns false when it rejects it); one after a gap waits, with every later one, until
 * the missing revision comes, and is then applied with it.
 */
export const inRevisionOrder = (
  events: readonly Envelope[],
  parked: ReadonlyMap<string, ParkedStream>,
  appliedRevision: (event: Envelope) => number,
  apply: (event: Envelope) => boolean,
): RevisionOrderOutcome => {
  let applied = 0;
  let skipped = 0;
  let waitingInBatch = 0;
  const streams: StreamProgress[] = [];
  for (const [streamId, incoming] of byStream(events)) {
    const before = parked.get(streamId);
    const candidates = new Map<number, Envelope>();
    for (const event of [...(before?.waiting ?? []), ...incoming]) {
      if (!candidates.has(event.streamRevision)) candidates.set(event.streamRevision, event);
    }
    const start = appliedRevision(incoming[0]!);
    let last = start;
    const waiting: Envelope[] = [];
    for (const event of [...candidates.values()].sort((a, b) => a.streamRevision - b.streamRevision)) {
      if (event.streamRevision <= last) continue;
      if (waiting.length === 0 && event.streamRevision === last + 1) {
        if (apply(event)) {
          last = event.streamRevision;
          applied++;
        }
      } else {
        waiting.push(event);
      }
    }
    const waits = new Set(waiting.map((e) => e.streamRevision));
    for (const event of incoming) {
      if (waits.has(event.streamRevision)) waitingInBatch++;
      else if (event.streamRevision <= start || candidates.get(event.streamRevision) !== event) skipped++;
    }
    streams.push({ streamId, expected: last + 1, waiting, wasParked: before !== undefined });
  }
  return { applied, skipped, parked: waitingInBatch, streams };
};

/** `evolve` as `apply` for inRevisionOrder: a ProjectionError rejects the event (the caller dead-letters it). */
export const rejectingInto = (rejected: ApplyOutcome['rejected'][number][], evolve: (event: Envelope) => void) => (event: Envelope): boolean => {
  try {
    evolve(event);
    return true;
  } catch (error) {
    if (!(error instanceof ProjectionError)) throw error;
    rejected.push({ event, error });
    return false;
  }
};
