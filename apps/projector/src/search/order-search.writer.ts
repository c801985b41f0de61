import { orderStreamId, parseStreamId, upcastEnvelope, type EventEnvelope, type KnownEvent, type OrderEvent } from '#events';
import type { Elasticsearch } from '#infra/elasticsearch/elasticsearch';
import type { EventStore } from '#eventsourcing';
import type { OrderHistoryRow } from '#infra/read-models/order-history.table';
import { evolveOrderHistory } from '../projections/order-history.projection.js';
import { addOutcomes, NO_OUTCOME, ProjectionError, type ApplyOutcome } from '../projections/projection.js';
import { bulkChunks, bulkIndex, bulkRequest, type Write } from './order-search.bulk.js';
import { fromSearchDocument, toSearchDocument, type OrderSearchDocument } from './order-search.document.js';

export { TransientBulkError } from './order-search.bulk.js';

type Rejected = ApplyOutcome['rejected'][number];

const fold = (row: OrderHistoryRow | null, events: readonly EventEnvelope<OrderEvent>[]): OrderHistoryRow | null =>
  events.reduce<OrderHistoryRow | null>((current, event) => evolveOrderHistory(current, event), row);

const toWrite = (id: string, row: OrderHistoryRow, events: readonly EventEnvelope<OrderEvent>[]): Write => ({ id, row, doc: toSearchDocument(row), events });

/**
 * An order the domain will most likely not change again: shipped, or cancelled and not waiting
 * for its refund (a cancelled unpaid order is refunded only if a payment raced its cancellation).
 * Writing behind indexes it at once; should another event come after all, it is read back.
 */
const isFinal = (row: OrderHistoryRow): boolean => row.status === 'shipped' || (row.status === 'cancelled' && row.paymentStatus !== 'refund_pending');

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
   * once, when it reaches a final state, when it is evicted or at `flush()`, not again every time a
   * later page changes it; those bulk requests run in the background while the next pages are
   * folded. It knows an order whose events start at revision 0 has no document yet, and reads
   * back from Elasticsearch only the orders it has let go of.
   */
  readonly exclusive?: boolean;
  /** Most weight held in memory while writing behind: an order weighs 1 + its line items + its events not yet indexed. */
  readonly cacheWeight?: number;
  /** Largest bulk request, in bytes of its body: a larger batch is split (Elasticsearch refuses bodies over `http.max_content_length`). */
  readonly maxBulkBytes?: number;
  /** Writing behind, the most bulk requests under way at once; `apply` waits for the oldest beyond that. */
  readonly bulksInFlight?: number;
}

/** An order folded in memory, with its events not yet indexed. */
interface Held {
  readonly row: OrderHistoryRow;
  readonly pending: readonly EventEnvelope<OrderEvent>[];
  readonly weight: number;
}

const DEFAULT_CACHE_WEIGHT = 100_000;
const DEFAULT_MAX_BULK_BYTES = 4 * 1024 * 1024;
const DEFAULT_BULKS_IN_FLIGHT = 2;

export class OrderSearchWriter {
  /** Exclusive mode only, least recently changed first (a Map keeps insertion order). */
  private readonly held = new Map<string, Held>();
  private heldWeight = 0;
  /** Writing behind: the bulk requests under way, oldest first. */
  private readonly inFlight: Promise<ApplyOutcome>[] = [];

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
        if (!this.options.exclusive) writes.push(toWrite(id, row, pending));
        else this.hold(id, row, pending, writes);
      } catch (error) {
        if (!(error instanceof ProjectionError)) throw error;
        rejected.push(...pending.map((event) => ({ event: event, error })));
      }
    }
    const folded: ApplyOutcome = { applied: 0, skipped, rejected };
    if (this.options.exclusive) return addOutcomes(folded, await this.writeBehind(index, [...writes, ...this.evict()]));
    return writes.length ? addOutcomes(folded, await bulkIndex(this.es, index, writes, this.maxBulkBytes, options.refresh ?? false)) : folded;
  }

  /** Writing behind: indexes every order still held and waits for every bulk request under way. */
  async flush(index: string): Promise<ApplyOutcome> {
    const writes = [...this.held].map(([id, { row, pending }]) => toWrite(id, row, pending));
    this.held.clear();
    this.heldWeight = 0;
    let outcome = await this.writeBehind(index, writes);
    while (this.inFlight.length) outcome = addOutcomes(outcome, await this.inFlight.shift()!);
    return outcome;
  }

  private get maxBulkBytes(): number {
    return this.options.maxBulkBytes ?? DEFAULT_MAX_BULK_BYTES;
  }

  /**
   * Starts a bulk request per chunk of the writes, in the background. Past the limit of requests
   * under way it first waits for the oldest (backpressure: folding never runs far ahead of
   * Elasticsearch); returns what the requests it waited for did. A failure is thrown here, by a
   * later call that waits for it, or by `flush`.
   */
  private async writeBehind(index: string, writes: readonly Write[]): Promise<ApplyOutcome> {
    let outcome = NO_OUTCOME;
    for (const chunk of bulkChunks(index, writes, this.maxBulkBytes)) {
      while (this.inFlight.length >= (this.options.bulksInFlight ?? DEFAULT_BULKS_IN_FLIGHT)) outcome = addOutcomes(outcome, await this.inFlight.shift()!);
      const request = bulkRequest(this.es, chunk, false);
      request.catch(() => undefined); // awaited later
      this.inFlight.push(request);
    }
    return outcome;
  }

  /** Holds the order folded to `row`, or, when it is final, adds it to `writes` and lets it go. */
  private hold(id: string, row: OrderHistoryRow, events: readonly EventEnvelope<OrderEvent>[], writes: Write[]): void {
    const before = this.held.get(id);
    if (before) {
      this.heldWeight -= before.weight;
      this.held.delete(id); // set again below, last: the most recently changed
    }
    const pending = before ? [...before.pending, ...events] : events;
    if (isFinal(row)) {
      writes.push(toWrite(id, row, pending));
      return;
    }
    const entry = { row, pending, weight: 1 + row.items.length + pending.length };
    this.held.set(id, entry);
    this.heldWeight += entry.weight;
  }

  /** Past the weight limit, the least recently changed tenth of the held orders go, to be indexed. */
  private evict(): Write[] {
    const limit = this.options.cacheWeight ?? DEFAULT_CACHE_WEIGHT;
    if (this.heldWeight <= limit) return [];
    const writes: Write[] = [];
    for (const [id, entry] of this.held) {
      if (this.heldWeight <= limit * 0.9) break;
      this.held.delete(id);
      this.heldWeight -= entry.weight;
      writes.push(toWrite(id, entry.row, entry.pending));
    }
    return writes;
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
}
