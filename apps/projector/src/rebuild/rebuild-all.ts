import { parseStreamId } from '#events';
import type { Elasticsearch } from '#infra/elasticsearch/elasticsearch';
import type { PoolClient } from '#infra/postgres/pool';
import { addOutcomes, NO_OUTCOME, qualified } from '../projections/projection.js';
import { PROJECTIONS } from '../projections/registry.js';
import { createIndex, indexBehind, newIndexName, pointAlias } from '../search/order-search.index.js';
import { ORDER_SEARCH_PROJECTION } from '../search/order-search.projection.js';
import { OrderSearchWriter } from '../search/order-search.writer.js';
import {
  applyUntil, catchUpFromStart, countEvents, dropSwappedOut, flushInto, setState, shadowSchemaOf, swapIn, tablesApplier, tablesBuilder, tablesOf,
  type Applier, type RebuildOptions, type RebuildResult, type Totals,
} from './rebuild.js';

export interface RebuildAllResult extends RebuildResult {
  /** The read models switched together. */
  readonly readModels: readonly string[];
  /** The search index now behind the alias, and the one it replaced (deleted). */
  readonly index: string;
  readonly previous: string | null;
}

/** One page of the log, handed to every read model it concerns at once: the log is read once for all. */
const together = (appliers: readonly Applier[]): Applier => ({
  categories: [...new Set(appliers.flatMap((a) => a.categories))],
  apply: async (events) => {
    const outcomes = await Promise.all(appliers.map((applier) => {
      const mine = events.filter((e) => applier.categories.includes(parseStreamId(e.streamId).category));
      return mine.length ? applier.apply(mine) : Promise.resolve(NO_OUTCOME);
    }));
    return outcomes.reduce(addOutcomes, NO_OUTCOME);
  },
  flush: async () => (await Promise.all(appliers.map((a) => a.flush?.() ?? Promise.resolve(NO_OUTCOME)))).reduce(addOutcomes, NO_OUTCOME),
});

/**
 * `projections rebuild --all`: every read model (the PostgreSQL ones and the search index) built
 * from one read of the log up to the same global position, then switched together.
 *
 * 1. Each PostgreSQL read model is built in a shadow schema and the search index in a new index,
 *    while the live ones keep serving and the live consumers keep writing to them.
 * 2. The cut-over is one PostgreSQL transaction. It locks every live read-model table, so a read
 *    of any of them waits from here to the commit. It applies what arrived meanwhile, up to one
 *    head of the log, to every new read model; makes the new index searchable; points the search
 *    alias at it; swaps the shadow tables in; commits.
 *
 * A read of the tables that ends before the lock ends before the alias moves; one that starts
 * after the alias moved waits for the commit. So a reader who sees the new search index and then
 * reads the tables sees the new tables, and one who has seen new tables never finds the old index.
 * If the commit fails, the alias is pointed back at the old index, which is kept until the commit.
 *
 * After it the live consumers go on from their own offsets: what the new read models already hold
 * is skipped (revision checks, external versions), the rest is their catch-up.
 */
export const rebuildAll = async (es: Elasticsearch, alias: string, options: RebuildOptions): Promise<RebuildAllResult> => {
  const projections = PROJECTIONS;
  const names = [...projections.map((p) => p.name), ORDER_SEARCH_PROJECTION.name];
  for (const name of names) await setState(options.pool, name, 'rebuilding');
  const builders: PoolClient[] = [];
  let index: string | null = null;
  let committed = false;
  let aliasMoved = false;
  try {
    // 1. Build everything to near the head, each PostgreSQL read model on its own connection
    //    (they are applied in parallel), the index writing behind.
    for (const projection of projections) {
      const client = await options.pool.connect();
      builders.push(client);
      const shadow = shadowSchemaOf(projection);
      await client.query(`DROP SCHEMA IF EXISTS "${shadow}" CASCADE; CREATE SCHEMA "${shadow}"; ${projection.createTables(shadow)}`);
    }
    const previous = await indexBehind(es, alias);
    index = newIndexName(alias);
    await createIndex(es, index);
    const newIndex = index;
    const searchBuilder = new OrderSearchWriter(es, options.store, { exclusive: true });
    const build = together([
      ...projections.map((p, i) => tablesBuilder(p, builders[i]!, shadowSchemaOf(p))),
      { categories: ORDER_SEARCH_PROJECTION.categories, apply: (events) => searchBuilder.apply(newIndex, events), flush: () => searchBuilder.flush(newIndex) },
    ]);
    const totals: Totals = { read: 0, applied: 0, rejected: 0, total: await countEvents(options.pool, build.categories) };
    const built = await catchUpFromStart(build, options, totals);
    // What the builders wrote behind is written now: the new read models are complete up to `built`.
    await flushInto(build, totals);
    for (const client of builders.splice(0)) client.release();

    // 2. The cut-over.
    const searchWriter = new OrderSearchWriter(es, options.store);
    const client = await options.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`LOCK TABLE ${projections.flatMap(tablesOf).map((t) => qualified('public', t)).join(', ')} IN ACCESS EXCLUSIVE MODE`);
      const head = await options.store.readableHead();
      const cut = together([
        // One connection, the locking one: its queries run one after the other.
        ...projections.map((p) => tablesApplier(p, client, shadowSchemaOf(p))),
        { categories: ORDER_SEARCH_PROJECTION.categories, apply: (events) => searchWriter.apply(newIndex, events) },
      ]);
      const { position } = await applyUntil(cut, built, head, options, totals);
      await es.indices.refresh({ index: newIndex });
      await pointAlias(es, alias, newIndex, previous);
      aliasMoved = true;
      for (const projection of projections) await swapIn(client, projection);
      for (const name of names) await setState(client, name, 'live', true);
      await client.query('COMMIT');
      committed = true;

      // The live search consumer may have written events past `head` to the old index before the
      // alias moved: they are applied to the new one now (its own copies are skipped by version).
      const caughtUp = await applyUntil(
        { categories: ORDER_SEARCH_PROJECTION.categories, apply: (events) => searchWriter.apply(newIndex, events) },
        position, await options.store.readableHead(), options, totals,
      );
      await es.indices.refresh({ index: newIndex });
      if (previous) await es.indices.delete({ index: previous });
      for (const projection of projections) await dropSwappedOut(client, projection);
      return { ...totals, position: caughtUp.position, readModels: names, index: newIndex, previous };
    } catch (error) {
      if (committed) throw error; // switched: what failed after it was tidying up, not the cut-over
      await client.query('ROLLBACK').catch(() => undefined);
      if (aliasMoved) {
        await es.indices.updateAliases({
          actions: [{ remove: { index: newIndex, alias } }, ...(previous ? [{ add: { index: previous, alias } }] : [])],
        }).then(() => { aliasMoved = false; }, () => undefined);
      }
      throw error;
    } finally {
      client.release();
    }
  } catch (error) {
    for (const client of builders) client.release();
    if (!committed) {
      // The new index is dropped unless searches are still on it (the alias could not be moved back).
      if (index && !aliasMoved) await es.indices.delete({ index }).catch(() => undefined);
      for (const name of names) await setState(options.pool, name, 'rebuild_failed').catch(() => undefined);
    }
    throw error;
  }
};
