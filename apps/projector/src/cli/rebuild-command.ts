import { SingleBar } from 'cli-progress';
import type { Config } from '#infra/config/config';
import { createElasticsearch } from '#infra/elasticsearch/elasticsearch';
import { createEventStore, releaseEventStore } from '#infra/event-store/event-store.factory';
import type { Pool } from '#infra/postgres/pool';
import { projectionNamed } from '../projections/registry.js';
import { rebuildAll } from '../rebuild/rebuild-all.js';
import { rebuildProjection, type RebuildOptions, type RebuildProgress, type RebuildResult } from '../rebuild/rebuild.js';
import { ORDER_SEARCH_PROJECTION } from '../search/order-search.projection.js';
import { rebuildOrderSearch } from '../search/order-search.rebuild.js';
import { withPool } from './with-pool.js';

/** A rebuild's outcome, and where its result now is (swapped in, which index). */
type Rebuilt = RebuildResult & { readonly where: string };

/**
 * Runs one rebuild with a progress bar on stderr, then reports on stdout:
 * `<label>: read N events, applied N, rejected N, peak RSS N MB, in S s (N events/s); <where>, live consumer catching up`.
 */
const withProgress = async (config: Config, label: string, work: (options: RebuildOptions) => Promise<Rebuilt>): Promise<void> => {
  await withPool(config, async (pool: Pool) => {
    const bar = new SingleBar({
      format: `${label} [{bar}] {percentage}% | {value}/{total} events | {speed} events/s | ETA {eta_formatted}`,
      barCompleteChar: '#',
      barIncompleteChar: '.',
      // Off a terminal (CI, logs) it still reports, a line every few seconds.
      noTTYOutput: true,
      notTTYSchedule: 2000,
    });
    const started = Date.now();
    bar.start(1, 0, { speed: 0 });
    const store = createEventStore(config, pool);
    const options: RebuildOptions = {
      pool,
      store,
      onProgress: ({ read, total }: RebuildProgress) => {
        bar.setTotal(Math.max(total, 1));
        bar.update(read, { speed: Math.round(read / Math.max((Date.now() - started) / 1000, 0.001)) });
      },
    };
    const result = await work(options).finally(() => releaseEventStore(store));
    bar.stop();
    const seconds = (Date.now() - started) / 1000;
    // The process's peak resident memory (getrusage's maxrss, in kB here).
    const peakMb = Math.round(process.resourceUsage().maxRSS / 1024);
    console.log(
      `${label}: read ${result.read} events, applied ${result.applied}, rejected ${result.rejected}, peak RSS ${peakMb} MB, ` +
        `in ${seconds.toFixed(2)} s (${Math.round(result.read / Math.max(seconds, 0.001))} events/s); ${result.where}, live consumer catching up`,
    );
  });
};

/**
 * A rebuild's requests to Elasticsearch: bulk requests run to 4 MB and an index's refresh can
 * take a while on a busy node, so a minute each, not the live path's 10 s (nothing retries them).
 */
const withSearch = async <T>(config: Config, work: (es: ReturnType<typeof createElasticsearch>) => Promise<T>): Promise<T> => {
  const es = createElasticsearch(config.elasticsearchUrl, 60_000);
  try {
    return await work(es);
  } finally {
    await es.close();
  }
};

const aliasMove = (alias: string, index: string, previous: string | null): string =>
  `alias ${alias} → ${index}${previous ? `, ${previous} deleted` : ''}`;

/** `ledger projections rebuild <name>`: rebuild one read model, swap it in, report. */
export const rebuild = async (config: Config, name: string): Promise<void> => {
  if (name !== ORDER_SEARCH_PROJECTION.name) projectionNamed(name); // fails fast on an unknown name
  await withProgress(config, name, async (options) => {
    if (name !== ORDER_SEARCH_PROJECTION.name) return { ...(await rebuildProjection(projectionNamed(name), options)), where: 'swapped in' };
    const search = await withSearch(config, (es) => rebuildOrderSearch(es, config.orderSearchAlias, options));
    return { ...search, where: aliasMove(config.orderSearchAlias, search.index, search.previous) };
  });
};

/** `ledger projections rebuild --all`: every read model to one position of the log, switched together. */
export const rebuildEverything = async (config: Config): Promise<void> => {
  await withProgress(config, 'all read models', async (options) => {
    const all = await withSearch(config, (es) => rebuildAll(es, config.orderSearchAlias, options));
    return { ...all, where: `${all.readModels.join(', ')} switched together; ${aliasMove(config.orderSearchAlias, all.index, all.previous)}` };
  });
};
