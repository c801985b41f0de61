import { topicForCategory } from '#events';
import type { Config } from '#infra/config/config';
import { createElasticsearch } from '#infra/elasticsearch/elasticsearch';
import { createKafka } from '#infra/kafka/kafka';
import type { Pool } from '#infra/postgres/pool';
import { consumerGroupId } from '../consumer/projection-consumer.js';
import { countParked } from '../projections/parked-streams.js';
import { qualified } from '../projections/projection.js';
import { PROJECTIONS } from '../projections/registry.js';
import { indexBehind } from '../search/order-search.index.js';
import { ORDER_SEARCH_PROJECTION } from '../search/order-search.projection.js';

export interface ProjectionListing {
  readonly name: string;
  readonly state: string;
  readonly rebuiltAt: string | null;
  /** Messages on its topics not yet committed by its consumer group. */
  readonly lag: number | null;
  readonly rows: Record<string, number>;
  /** Streams parked at a gap in their revisions (order search refolds a gap from the store instead). */
  readonly parked: number | null;
}

const consumerLag = async (config: Config, name: string, topics: readonly string[]): Promise<number | null> => {
  const admin = createKafka(config, 'cli').admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    let lag = 0;
    for (const topic of topics.filter((t) => existing.has(t))) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: consumerGroupId(config.consumerGroupPrefix, name), topics: [topic] });
      for (const end of ends) {
        const done = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        lag += Number(end.high) - Math.max(Number(done), Number(end.low));
      }
    }
    return lag;
  } catch {
    return null;
  } finally {
    await admin.disconnect();
  }
};

/** The search index behind the alias and its document count; nulls when Elasticsearch does not answer. */
const searchIndex = async (config: Config): Promise<{ index: string | null; docs: number | null }> => {
  const es = createElasticsearch(config.elasticsearchUrl, 3_000);
  try {
    const index = await indexBehind(es, config.orderSearchAlias);
    if (!index) return { index: null, docs: 0 };
    const { count } = await es.count({ index });
    return { index, docs: count };
  } catch {
    return { index: null, docs: null };
  } finally {
    await es.close();
  }
};

export const listProjections = async (config: Config, pool: Pool): Promise<ProjectionListing[]> => {
  const { rows: states } = await pool.query<{ name: string; status: string; rebuilt_at: Date | null }>('SELECT * FROM projection_state');
  const stateOf = (name: string) => states.find((s) => s.name === name);
  const search = async (): Promise<ProjectionListing> => {
    const { name, categories } = ORDER_SEARCH_PROJECTION;
    const { index, docs } = await searchIndex(config);
    return {
      name,
      state: stateOf(name)?.status ?? 'live',
      rebuiltAt: stateOf(name)?.rebuilt_at?.toISOString() ?? null,
      lag: await consumerLag(config, name, categories.map((category) => topicForCategory(category, config.kafkaTopicPrefix))),
      rows: { [`index ${index ?? 'unreachable'}`]: docs ?? -1 },
      parked: null,
    };
  };
  const parked = await countParked(pool, PROJECTIONS);
  const postgres = await Promise.all(
    PROJECTIONS.map(async (p) => {
      const state = states.find((s) => s.name === p.name);
      const rows: Record<string, number> = {};
      for (const table of p.tables) {
        const { rows: count } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified('public', table)}`);
        rows[table] = Number(count[0]?.n ?? 0);
      }
      return {
        name: p.name,
        state: state?.status ?? 'live',
        rebuiltAt: state?.rebuilt_at?.toISOString() ?? null,
        lag: await consumerLag(config, p.name, p.categories.map((category) => topicForCategory(category, config.kafkaTopicPrefix))),
        rows,
        parked: parked[p.name] ?? 0,
      };
    }),
  );
  return [...postgres, await search()];
};
