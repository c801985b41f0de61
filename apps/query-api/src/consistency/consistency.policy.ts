import { mayRead, type Reader } from '../access/reader.js';

/** What the read model holds of a stream: how far it is projected, and whose it is. */
export interface ProjectedStream {
  readonly revision: number;
  /** The account's owner or the order's customer; null for an account from before owners were recorded. */
  readonly owner: string | null;
}

/**
 * What a consistency token tells its holder of the stream: the revision projected, when the
 * stream is theirs (or they are an operator). Of anyone else's stream it tells nothing, as if the
 * stream were not projected at all: the token waits out the timeout and answers like one for a
 * stream that never comes (504, applied null), so neither the stream's existence nor its progress
 * shows. The owner is known from the stream's first event on, so this holds while the wait lasts,
 * not only once the revision is reached.
 */
export const appliedRevision = (reader: Reader, stream: ProjectedStream | undefined): number | null =>
  stream !== undefined && mayRead(reader, stream.owner) ? stream.revision : null;

/** Whether the wait is over: the revision the holder sees has reached the token's. */
export const hasReached = (applied: number | null, wanted: number): boolean => applied !== null && applied >= wanted;
