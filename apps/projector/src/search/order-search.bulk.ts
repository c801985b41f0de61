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

/** What a bulk request's answer is matched with, item by item: the order and the events its document holds. */
type Indexed = Pick<Write, 'id' | 'events'>;

/**
 * A bulk request: its body, already serialised into bytes (the client sends a Buffer as it is),
 * and, in the same order, the writes it indexes. Holding bytes rather than the lines' strings or
 * the documents keeps a request under way out of V8's heap: a rebuild has two in the background
 * for as long as Elasticsearch takes, long enough for strings to be copied into the old space.
 */
export interface BulkChunk {
  readonly body: Buffer;
  readonly writes: readonly Indexed[];
}

/**
 * The writes as bulk requests' bodies of at most `maxBytes` each (one document alone may be
 * larger), each document with its revision as its external version, so a stale or duplicate
 * write is refused (409). Serialised one request at a time, as they are taken.
 */
export function* bulkChunks(index: string, writes: Iterable<Write>, maxBytes: number): Generator<BulkChunk> {
  const target = JSON.stringify(index);
  let body = Buffer.allocUnsafeSlow(maxBytes);
  let bytes = 0;
  let indexed: Indexed[] = [];
  for (const write of writes) {
    const action = `{"index":{"_index":${target},"_id":${JSON.stringify(write.id)},"version":${write.doc.revision},"version_type":"external"}}\n`;
    const doc = `${JSON.stringify(write.doc)}\n`;
    const size = Buffer.byteLength(action) + Buffer.byteLength(doc);
    if (indexed.length && bytes + size > maxBytes) {
      yield { body: body.subarray(0, bytes), writes: indexed };
      body = Buffer.allocUnsafeSlow(maxBytes);
      bytes = 0;
      indexed = [];
    }
    if (size > body.length) body = Buffer.concat([body.subarray(0, bytes)], bytes + size); // one document larger than the limit
    bytes += body.write(action, bytes);
    bytes += body.write(doc, bytes);
    indexed.push({ id: write.id, events: write.events });
  }
  if (indexed.length) yield { body: body.subarray(0, bytes), writes: indexed };
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
  // The answer is read item by item, in the body's order; only each item's status and error are sent back.
  const response = await es.bulk({ refresh, filter_path: ['errors', 'items.*.status', 'items.*.error'], ...bulkBody(chunk.body) });
  let applied = 0;
  let skipped = 0;
  const rejected: Rejected[] = [];
  if (response.items.length !== chunk.writes.length) throw new Error(`Elasticsearch answered ${response.items.length} items for a bulk request of ${chunk.writes.length}`);
  response.items.forEach((item, i) => {
    const result = item.index;
    const write = chunk.writes[i]!;
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

/**
 * A serialised body for `bulk`: its typings take the operations as objects, but its transport
 * sends a string or a Buffer as it is (and serialises anything else as NDJSON).
 */
const bulkBody = (body: Buffer): { operations: [] } => ({ operations: body as unknown as [] });
