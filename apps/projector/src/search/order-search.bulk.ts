import type { EventEnvelope, OrderEvent } from '#events';
import type { Elasticsearch } from '#infra/elasticsearch/elasticsearch';
import type { OrderHistoryRow } from '#infra/read-models/order-history.table';
import { addOutcomes, NO_OUTCOME, ProjectionError, type ApplyOutcome } from '../projections/projection.js';
import type { OrderSearchDocument } from './order-search.document.js';

/** A bulk item failed for a reason worth retrying (429, 5xx): the whole batch is retried. */
export class TransientBulkError extends Error {
  override name = 'TransientBulkError';
}

/** An order's document to index, with the events it is the state after (counted as applied once indexed). */
export interface Write {
  readonly id: string;
  readonly row: OrderHistoryRow;
  readonly doc: OrderSearchDocument;
  readonly events: readonly EventEnvelope<OrderEvent>[];
}

type Rejected = ApplyOutcome['rejected'][number];
type Line = { readonly write: Write; readonly lines: readonly [string, string] };

/** A bulk request's lines, serialised, with the writes they index. */
export type BulkChunk = readonly Line[];

/**
 * The writes as bulk requests' bodies of at most `maxBytes` each (one document alone may be
 * larger), each document with its revision as its external version, so a stale or duplicate
 * write is refused (409). Serialised one request at a time, as they are taken.
 */
export function* bulkChunks(index: string, writes: Iterable<Write>, maxBytes: number): Generator<BulkChunk> {
  let chunk: Line[] = [];
  let bytes = 0;
  for (const write of writes) {
    const lines = [
      JSON.stringify({ index: { _index: index, _id: write.id, version: write.doc.revision, version_type: 'external' } }),
      JSON.stringify(write.doc),
    ] as const;
    const size = Buffer.byteLength(lines[0]) + Buffer.byteLength(lines[1]) + 2;
    if (chunk.length && bytes + size > maxBytes) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push({ write, lines });
    bytes += size;
  }
  if (chunk.length) yield chunk;
}

/** Indexes the writes in bulk requests one after another; `refresh` with the last. */
export const bulkIndex = async (es: Elasticsearch, index: string, writes: readonly Write[], maxBytes: number, refresh: boolean): Promise<ApplyOutcome> => {
  let outcome = NO_OUTCOME;
  let previous: BulkChunk | null = null; // sent once the next is known, so that the last can refresh
  for (const chunk of bulkChunks(index, writes, maxBytes)) {
    if (previous) outcome = addOutcomes(outcome, await bulkRequest(es, previous, false));
    previous = chunk;
  }
  return previous ? addOutcomes(outcome, await bulkRequest(es, previous, refresh)) : outcome;
};

/** One bulk request: a 409 counts its events as skipped, a 429 or 5xx throws (retry it all), any other error rejects them. */
export const bulkRequest = async (es: Elasticsearch, chunk: BulkChunk, refresh: boolean): Promise<ApplyOutcome> => {
  // Serialised once, here: the client sends strings as they are.
  const response = await es.bulk<string>({ refresh, operations: chunk.flatMap(({ lines }) => lines) });
  let applied = 0;
  let skipped = 0;
  const rejected: Rejected[] = [];
  response.items.forEach((item, i) => {
    const result = item.index;
    const write = chunk[i]!.write;
    if (!result?.error) {
      applied += write.events.length;
    } else if (result.status === 409) {
      skipped += write.events.length; // a newer (or the same) revision is already indexed
    } else if (result.status === 429 || result.status >= 500) {
      throw new TransientBulkError(`Elasticsearch refused ${write.id}: ${result.status} ${result.error.type}`);
    } else {
      const error = new ProjectionError(`Elasticsearch rejected order ${write.id}: ${result.error.type}: ${result.error.reason ?? ''}`);
      rejected.push(...write.events.map((event) => ({ event: event, error })));
    }
  });
  return { applied, skipped, rejected };
};
