import { errors } from '@elastic/elasticsearch';
import type { Elasticsearch } from '#infra/elasticsearch/elasticsearch';

/**
 * The order search index. Only what Elastic's integ-test distribution has is used: the standard
 * analyzer and a lowercase normalizer (no language analyzers, no scripts, no _reindex).
 */
export const ORDER_SEARCH_INDEX = {
  settings: {
    number_of_shards: 1,
    number_of_replicas: 0,
    refresh_interval: '1s',
    analysis: { normalizer: { lowercase: { type: 'custom' as const, filter: ['lowercase'] } } },
  },
  mappings: {
    dynamic: 'strict' as const,
    properties: {
      orderId: { type: 'keyword' as const },
      customerId: { type: 'keyword' as const },
      accountId: { type: 'keyword' as const },
      currency: { type: 'keyword' as const },
      status: { type: 'keyword' as const },
      paymentStatus: { type: 'keyword' as const },
      items: {
        properties: {
          sku: { type: 'text' as const, analyzer: 'standard', fields: { keyword: { type: 'keyword' as const, normalizer: 'lowercase' } } },
          name: { type: 'text' as const, analyzer: 'standard', fields: { keyword: { type: 'keyword' as const, normalizer: 'lowercase' } } },
          quantity: { type: 'integer' as const },
          unitPrice: { type: 'long' as const },
        },
      },
      itemCount: { type: 'integer' as const },
      total: { type: 'long' as const },
      cancelReason: { type: 'text' as const },
      createdAt: { type: 'date' as const },
      cancelledAt: { type: 'date' as const },
      shippedAt: { type: 'date' as const },
      updatedAt: { type: 'date' as const },
      revision: { type: 'long' as const },
      statusHistory: { type: 'object' as const, enabled: false },
    },
  },
};

/** A fresh, unique index name behind `alias`: `<alias>-<millis><random>` sorts by creation. */
export const newIndexName = (alias: string): string => `${alias}-${Date.now()}${Math.floor(Math.random() * 1000).toString().padStart(3, '0')}`;

/** The index the alias points at, or null when there is no alias yet. */
export const indexBehind = async (es: Elasticsearch, alias: string): Promise<string | null> => {
  const exists = await es.indices.existsAlias({ name: alias });
  if (!exists) return null;
  const found = await es.indices.getAlias({ name: alias });
  return Object.keys(found)[0] ?? null;
};

/** Points `alias` at `index` instead of `from` (null: the alias had no index), in one atomic request. */
export const pointAlias = async (es: Elasticsearch, alias: string, index: string, from: string | null): Promise<void> => {
  await es.indices.updateAliases({ actions: [...(from ? [{ remove: { index: from, alias } }] : []), { add: { index, alias } }] });
};

export const createIndex = async (es: Elasticsearch, index: string): Promise<void> => {
  await es.indices.create({ index, settings: ORDER_SEARCH_INDEX.settings, mappings: ORDER_SEARCH_INDEX.mappings });
};

/**
 * Creates the first index (`<alias>-0`, the same name in every process, so two processes starting
 * together agree) and its alias when the alias does not exist yet; returns the index behind it.
 */
export const ensureOrderSearchIndex = async (es: Elasticsearch, alias: string): Promise<string> => {
  const current = await indexBehind(es, alias);
  if (current) return current;
  const index = `${alias}-0`;
  try {
    await createIndex(es, index);
  } catch (error) {
    const type = error instanceof errors.ResponseError ? (error.body as { error?: { type?: string } } | undefined)?.error?.type : undefined;
    if (type !== 'resource_already_exists_exception') throw error;
  }
  await es.indices.updateAliases({ actions: [{ add: { index, alias } }] });
  return (await indexBehind(es, alias)) ?? index;
};
