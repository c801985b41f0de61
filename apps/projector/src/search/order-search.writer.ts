import { orderStreamId, parseStreamId, upcastEnvelope, type EventEnvelope, type KnownEvent, type OrderEvent } from '#events';
import type { Elasticsearch } from '#infra/elasticsearch/elasticsearch';
import type { EventStore } from '#eventsourcing';
import type { OrderHistoryRow } from '#infra/read-models/order-history.table';
import { evolveOrderHistory } from '../projections/order-history.projection.js';
import { addOutcomes, NO_OUTCOME, ProjectionError, type ApplyOutcome } from '../projections/projection.js';
import { fromSearchDocument, toSearchDocument, type OrderSearchDocument } from './order-search.document.js';

/** A bulk item failed for a reason worth retrying (429, 5xx): the whole batch is retried. */
export class TransientBulkError extends Error {
  override name = 'TransientBulkError';
}

type Rejected = ApplyOutcome['rejected'][number];

interface Write {
  readonly id: string;
  readonly row: OrderHistoryRow;
  readonly doc: OrderSearchDocument;
  readonly events: EventEnvelope<OrderEvent>[];
}

const fold = (row: OrderHistoryRow | null, events: readonly EventEnvelope<OrderEvent>[]): OrderHistoryRow | null =>
  events.reduce<OrderHistoryRow | null>((current, event) => evolveOrderHistory(current, event), row);

/**
 * Writes orders into the search index. Each document is the order's state at a stream revision
 * and is indexed with that revision as its external version, so a duplicate or stale write is
 * refused by Elasticsearch (409) and changes nothing. The state is the indexed document plus the
 * new events; when they do not follow on (a gap, or no document yet for a later event) the order
 * is folded again from its stream in the event store, the source of truth.
 */
export interface OrderSearchWriterOptions {
  /**
   * Only this writer writes to the index (a rebuild filling its new index before the alias points
   * at it). It then writes behind: it keeps the orders it folded in memory and indexes each one
   * once, when it is evicted or at `flush()`, not again every time a later page changes it. It
   * knows an order whose events start at revision 0 has no document yet, and reads back from
   * Elasticsearch only the orders it has evicted.
   */
  readonly exclusive?: boolean;
  /** Most line items held in memory while writing behind (an order weighs 1 + its items). */
  readonly cacheWeight?: number;
  /** Largest bulk request, in bytes of its body: a larger batch is split (Elasticsearch refuses bodies over `http.max_content_length`). */
  readonly maxBulkBytes?: number;
}

/** An order folded in memory, with the events not yet indexed (none when it is clean). */
interface Held {
  readonly row: OrderHistoryRow;
  readonly pending: EventEnvelope<OrderEvent>[];
  readonly weight: number;
  /** The `apply` call that last changed it. */
  readonly touched: number;
}

/** Orders not changed for this many `apply` calls are indexed in the background. */
const SETTLED_AFTER_CALLS = 2;

const DEFAULT_CACHE_WEIGHT = 100_000;
const DEFAULT_MAX_BULK_BYTES = 8 * 1024 * 1024;
const weightOf = (row: OrderHistoryRow): number => 1 + row.items.length;

export class OrderSearchWriter {
  /** Exclusive mode only, oldest first (a Map keeps insertion order). */
  private readonly held = new Map<string, Held>();
  private heldWeight = 0;
  private calls = 0;
  /** The bulk of settled orders under way while the next page is read and folded; one at a time. */
  private background: Promise<ApplyOutcome> | null = null;

  constructor(
    private readonly es: Elasticsearch,
    private readonly store: EventStore,
    private readonly options: OrderSearchWriterOptions = {},
  ) {}

  async apply(index: string, events: readonly EventEnvelope<KnownEvent>[], options: { refresh?: boolean } = {}): Promise<ApplyOutcome> {
    const byOrder = new Map<string, EventEnvelope<OrderEvent>[]>();
    for (const event of events as readonly EventEnvelope<OrderEvent>[]) {
      const id = parseStreamId(event.streamId).id;
      const list = byOrder.get(id);
      if (list) list.push(event);
      else byOrder.set(id, [event]);
    }
    for (const list of byOrder.values()) list.sort((a, b) => a.streamRevision - b.streamRevision);
    if (byOrder.size === 0) return NO_OUTCOME;
    this.calls++;
    const current = await this.current(index, byOrder);
    let skipped = 0;
    const rejected: Rejected[] = [];
    const writes: Write[] = [];
    for (const [id, orderEvents] of byOrder) {
      const known = current.get(id) ?? null;
      const pending = orderEvents.filter((e) => e.streamRevision > (known?.revision ?? -1));
      skipped += orderEvents.length - pending.length;
      if (pending.length === 0) continue;
      try {
        const follows = pending[0]!.streamRevision === (known?.revision ?? -1) + 1;
        const row = follows ? fold(known, pending) : await this.fromStore(id, pending.at(-1)!.streamRevision);
        if (!row) continue;
        if (this.options.exclusive) this.hold(id, row, pending);
        else writes.push({ id, row, doc: toSearchDocument(row), events: pending });
      } catch (error) {
        if (!(error instanceof ProjectionError)) throw error;
        rejected.push(...pending.map((event) => ({ event: event, error })));
      }
    }
    const folded: ApplyOutcome = { applied: 0, skipped, rejected };
    if (this.options.exclusive) {
      const written = addOutcomes(await this.settled(), await this.evict(index));
      this.writeSettled(index);
      return addOutcomes(folded, written);
    }
    return writes.length ? addOutcomes(folded, await this.bulk(index, writes, options.refresh ?? false)) : folded;
  }

  /** Writing behind: indexes every order held with events not yet indexed. */
  async flush(index: string): Promise<ApplyOutcome> {
    const before = await this.settled();
    const writes = this.takeUnwritten(Number.POSITIVE_INFINITY);
    return addOutcomes(before, writes.length ? await this.bulk(index, writes, false) : NO_OUTCOME);
  }

  /** The held orders with events not yet indexed, last changed at or before call `upTo`, marked as written. */
  private takeUnwritten(upTo: number): Write[] {
    const writes: Write[] = [];
    for (const [id, entry] of this.held) {
      if (entry.touched > upTo) break; // the map is in order of last change
      if (entry.pending.length === 0) continue;
      writes.push({ id, row: entry.row, doc: toSearchDocument(entry.row), events: entry.pending });
      this.held.set(id, { ...entry, pending: [] });
    }
    return writes;
  }

  /**
   * Orders left unchanged for a few pages have most likely reached their last event in the log:
   * they are indexed now, in the background, so Elasticsearch indexes while the store is read and
   * folded. One changed again later is simply written again, at its newer revision.
   */
  private writeSettled(index: string): void {
    const writes = this.takeUnwritten(this.calls - SETTLED_AFTER_CALLS);
    if (writes.length === 0) return;
    this.background = this.bulk(index, writes, false);
    this.background.catch(() => undefined); // awaited by the next apply or flush, which report its failure
  }

  private async settled(): Promise<ApplyOutcome> {
    const background = this.background;
    this.background = null;
    return background ? background : NO_OUTCOME;
  }

  private hold(id: string, row: OrderHistoryRow, events: readonly EventEnvelope<OrderEvent>[]): void {
    const before = this.held.get(id);
    if (before) this.heldWeight -= before.weight;
    this.held.delete(id); // re-inserted last: the most recently used
    const entry = { row, pending: [...(before?.pending ?? []), ...events], weight: weightOf(row), touched: this.calls };
    this.held.set(id, entry);
    this.heldWeight += entry.weight;
  }

  /** Past the weight limit, the oldest tenth of the held orders go, the unindexed ones indexed first. */
  private async evict(index: string): Promise<ApplyOutcome> {
    const limit = this.options.cacheWeight ?? DEFAULT_CACHE_WEIGHT;
    if (this.heldWeight <= limit) return NO_OUTCOME;
    const target = limit * 0.9;
    const writes: Write[] = [];
    for (const [id, entry] of this.held) {
      if (this.heldWeight <= target) break;
      this.held.delete(id);
      this.heldWeight -= entry.weight;
      if (entry.pending.length) writes.push({ id, row: entry.row, doc: toSearchDocument(entry.row), events: entry.pending });
    }
    return writes.length ? this.bulk(index, writes, false) : NO_OUTCOME;
  }

  private async current(index: string, byOrder: ReadonlyMap<string, readonly EventEnvelope<OrderEvent>[]>): Promise<Map<string, OrderHistoryRow>> {
    const found = new Map<string, OrderHistoryRow>();
    let ids = [...byOrder.keys()];
    if (this.options.exclusive) {
      ids = ids.filter((id) => {
        const entry = this.held.get(id);
        if (entry) found.set(id, entry.row);
        return !entry && byOrder.get(id)![0]!.streamRevision > 0;
      });
      if (ids.length === 0) return found;
    }
    const { docs } = await this.es.mget<OrderSearchDocument>({ index, ids, realtime: true });
    for (const doc of docs) {
      if ('found' in doc && doc.found && doc._source) found.set(doc._id, fromSearchDocument(doc._source));
    }
    return found;
  }

  private async fromStore(orderId: string, upTo: number): Promise<OrderHistoryRow | null> {
    const stored = await this.store.readStream(orderStreamId(orderId));
    const events = stored.filter((e) => e.streamRevision <= upTo).map((e) => upcastEnvelope(e) as EventEnvelope<OrderEvent>);
    if (events.length === 0) throw new ProjectionError(`Order ${orderId} has no events in the event store`);
    return fold(null, events);
  }

  /** Indexes the writes in bulk requests of at most `maxBulkBytes` each, one after another. */
  private async bulk(index: string, writes: readonly Write[], refresh: boolean): Promise<ApplyOutcome> {
    const maxBytes = this.options.maxBulkBytes ?? DEFAULT_MAX_BULK_BYTES;
    let outcome = NO_OUTCOME;
    let chunk: { write: Write; lines: [string, string] }[] = [];
    let bytes = 0;
    const send = async (last: boolean): Promise<void> => {
      if (chunk.length === 0) return;
      outcome = addOutcomes(outcome, await this.bulkRequest(chunk, refresh && last));
      chunk = [];
      bytes = 0;
    };
    for (let i = 0; i < writes.length; i++) {
      const write = writes[i]!;
      const lines: [string, string] = [
        JSON.stringify({ index: { _index: index, _id: write.id, version: write.doc.revision, version_type: 'external' } }),
        JSON.stringify(write.doc),
      ];
      const size = Buffer.byteLength(lines[0]) + Buffer.byteLength(lines[1]) + 2;
      if (chunk.length && bytes + size > maxBytes) await send(false);
      chunk.push({ write, lines });
      bytes += size;
    }
    await send(true);
    return outcome;
  }

  private async bulkRequest(chunk: readonly { write: Write; lines: [string, string] }[], refresh: boolean): Promise<ApplyOutcome> {
    // Serialised once, here: the client sends strings as they are.
    const response = await this.es.bulk<string>({ refresh, operations: chunk.flatMap(({ lines }) => lines) });
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
  }
}
