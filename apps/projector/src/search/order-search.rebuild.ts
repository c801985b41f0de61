import type { Elasticsearch } from '#infra/elasticsearch/elasticsearch';
import { START_OF_LOG } from '#eventsourcing';
import { applyUntil, BULK_PAGE, catchUp, countEvents, flushInto, setState, type Applier, type RebuildOptions, type RebuildResult } from '../rebuild/rebuild.js';
import { createIndex, indexBehind, newIndexName, pointAlias } from './order-search.index.js';
import { ORDER_SEARCH_PROJECTION } from './order-search.projection.js';
import { OrderSearchWriter } from './order-search.writer.js';

export interface SearchRebuildResult extends RebuildResult {
  readonly index: string;
  readonly previous: string | null;
}

/**
 * Builds a new index from the event store while searches keep using the old one, swaps the alias
 * in one atomic request, catches up with what the live consumer wrote to the old index meanwhile,
 * then deletes the old index. The live consumer writes through the alias throughout; external
 * versions keep the newest revision of each order whoever writes it.
 */
export const rebuildOrderSearch = async (es: Elasticsearch, alias: string, options: RebuildOptions): Promise<SearchRebuildResult> => {
  const { name } = ORDER_SEARCH_PROJECTION;
  await setState(options.pool, name, 'rebuilding');
  try {
    const previous = await indexBehind(es, alias);
    const index = newIndexName(alias);
    await createIndex(es, index);
    // Until the alias points at the new index, this rebuild is its only writer.
    const builder = new OrderSearchWriter(es, options.store, { exclusive: true });
    const build: Applier = { categories: ORDER_SEARCH_PROJECTION.categories, apply: (events) => builder.apply(index, events), flush: () => builder.flush(index) };
    const totals = { read: 0, applied: 0, rejected: 0, total: await countEvents(options.pool, ORDER_SEARCH_PROJECTION.categories) };
    // The bulk's large pages all the way (no lock to keep short here). Of order events only (the
    // store filters), so 5,000 hold about as many as 10,000 of the whole log did.
    const built = await catchUp(build, START_OF_LOG, { ...options, batchSize: options.batchSize ?? BULK_PAGE }, totals);
    // It wrote behind: what it still holds is indexed now, before searches move to the new index.
    await flushInto(build, totals);
    await pointAlias(es, alias, index, previous);
    // Everything the live consumer applied to the old index came from the store, below this head.
    const writer = new OrderSearchWriter(es, options.store);
    const applier: Applier = { categories: ORDER_SEARCH_PROJECTION.categories, apply: (events) => writer.apply(index, events) };
    const { position } = await applyUntil(applier, built, await options.store.readableHead(), options, totals);
    await es.indices.refresh({ index });
    if (previous) await es.indices.delete({ index: previous });
    await setState(options.pool, name, 'live', true);
    return { ...totals, position, index, previous };
  } catch (error) {
    await setState(options.pool, name, 'rebuild_failed').catch(() => undefined);
    throw error;
  }
};
