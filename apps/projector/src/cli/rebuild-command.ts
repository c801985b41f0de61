import { SingleBar } from 'cli-progress';
import type { Config } from '#infra/config/config';
import { createElasticsearch } from '#infra/elasticsearch/elasticsearch';
import { createEventStore, releaseEventStore } from '#infra/event-store/event-store.factory';
import { projectionNamed } from '../projections/registry.js';
import { rebuildProjection, type RebuildProgress, type RebuildResult } from '../rebuild/rebuild.js';
import { ORDER_SEARCH_PROJECTION } from '../search/order-search.projection.js';
import { rebuildOrderSearch } from '../search/order-search.rebuild.js';
import { withPool } from './with-pool.js';

/** `ledger projections rebuild <name>`: rebuild, swap, report, with a progress bar on stderr. */
export const rebuild = async (config: Config, name: string): Promise<void> => {
  if (name !== ORDER_SEARCH_PROJECTION.name) projectionNamed(name); // fails fast on an unknown name
  await withPool(config, async (pool) => {
    const bar = new SingleBar({
      format: `${name} [{bar}] {percentage}% | {value}/{total} events | {speed} events/s | ETA {eta_formatted}`,
      barCompleteChar: '#',
      barIncompleteChar: '.',
      // Off a terminal (CI, logs) it still reports, a line every few seconds.
      noTTYOutput: true,
      notTTYSchedule: 2000,
    });
    const started = Date.now();
    bar.start(1, 0, { speed: 0 });
    const store = createEventStore(config, pool);
    const options = {
      pool,
      store,
      onProgress: ({ read, total }: RebuildProgress) => {
        bar.setTotal(Math.max(total, 1));
        bar.update(read, { speed: Math.round(read / Math.max((Date.now() - started) / 1000, 0.001)) });
      },
    };
    let where = 'swapped in';
    let result: RebuildResult;
    if (name === ORDER_SEARCH_PROJECTION.name) {
      // A rebuild's bulk requests run to 8 MB and an index's refresh can take a while on a busy
      // node: a minute each, not the live path's 10 s (nothing retries a rebuild's request).
      const es = createElasticsearch(config.elasticsearchUrl, 60_000);
      try {
        const search = await rebuildOrderSearch(es, config.orderSearchAlias, options);
        where = `alias ${config.orderSearchAlias} → ${search.index}${search.previous ? `, ${search.previous} deleted` : ''}`;
        result = search;
      } finally {
        await es.close();
        await releaseEventStore(store);
      }
    } else {
      result = await rebuildProjection(projectionNamed(name), options).finally(() => releaseEventStore(store));
    }
    bar.stop();
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `${name}: read ${result.read} events, applied ${result.applied}, rejected ${result.rejected}, ` +
        `in ${seconds.toFixed(1)} s (${Math.round(result.read / Math.max(seconds, 0.001))} events/s); ${where}, live consumer catching up`,
    );
  });
};
