import { orderStreamId, parseStreamId, upcastEnvelope, type EventEnvelope, type KnownEvent, type OrderEvent } from '#events';
import type { Elasticsearch } from '#infra/elasticsearch/elasticsearch';
import type { EventStore } from '#eventsourcing';
import type { OrderHistoryRow } from '#infra/read-models/order-history.table';
import { evolveOrderHistory } from '../projections/order-history.projection.js';
import { ProjectionError, type ApplyOutcome } from '../projections/projection.js';
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
   * at it). It then remembers the documents it wrote (up to `cacheSize`, the oldest forgotten
   * first) and knows an order whose events start at revision 0 has no document yet: it reads back
   * from Elasticsearch only the orders it has forgotten.
   */
  readonly exclusive?: boolean;
  readonly cacheSize?: number;
}

export class OrderSearchWriter {
  private readonly written = new Map<string, OrderHistoryRow>();

  constructor(
    private readonly es: Elasticsearch,
    private readonly store: EventStore,
    private readonly options: OrderSearchWriterOptions = {},
  ) {}

  async apply(index: string, events: readonly EventEnvelope<KnownEvent>[], options: { refresh?: boolean } = {}): Promise<ApplyOutcome> {
    const byOrder = new Map<string, EventEnvelope<OrderEvent>[]>();
    for (const event of events as readonly EventEnvelope<OrderEvent>[]) {
      const id = parseStreamId(event.streamId).id;
      byOrder.set(id, [...(byOrder.get(id) ?? []), event].sort((a, b) => a.streamRevision - b.streamRevision));
    }
    if (byOrder.size === 0) return { applied: 0, skipped: 0, rejected: [] };
    const current = await this.current(index, byOrder);
    let applied = 0;
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
        writes.push({ id, row, doc: toSearchDocument(row), events: pending });
      } catch (error) {
        if (!(error instanceof ProjectionError)) throw error;
        rejected.push(...pending.map((event) => ({ event: event, error })));
      }
    }
    if (writes.length) {
      const outcome = await this.bulk(index, writes, options.refresh ?? false);
      applied += outcome.applied;
      skipped += outcome.skipped;
      rejected.push(...outcome.rejected);
    }
    return { applied, skipped, rejected };
  }

  private async current(index: string, byOrder: ReadonlyMap<string, readonly EventEnvelope<OrderEvent>[]>): Promise<Map<string, OrderHistoryRow>> {
    const found = new Map<string, OrderHistoryRow>();
    let ids = [...byOrder.keys()];
    if (this.options.exclusive) {
      ids = ids.filter((id) => {
        const remembered = this.written.get(id);
        if (remembered) found.set(id, remembered);
        return !remembered && byOrder.get(id)![0]!.streamRevision > 0;
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

  private remember(write: Write): void {
    if (!this.options.exclusive) return;
    this.written.delete(write.id);
    this.written.set(write.id, write.row);
    const limit = this.options.cacheSize ?? 200_000;
    for (const oldest of this.written.keys()) {
      if (this.written.size <= limit) break;
      this.written.delete(oldest);
    }
  }

  private async bulk(index: string, writes: readonly Write[], refresh: boolean) {
    const response = await this.es.bulk({
      refresh,
      operations: writes.flatMap(({ id, doc }) => [{ index: { _index: index, _id: id, version: doc.revision, version_type: 'external' as const } }, doc]),
    });
    let applied = 0;
    let skipped = 0;
    const rejected: Rejected[] = [];
    response.items.forEach((item, i) => {
      const result = item.index;
      const write = writes[i]!;
      if (!result?.error) {
        applied += write.events.length;
        this.remember(write);
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
