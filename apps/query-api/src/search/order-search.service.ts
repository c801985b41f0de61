import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { estypes } from '@elastic/elasticsearch';
import {
  bulkhead, BulkheadRejectedError, BrokenCircuitError, circuitBreaker, ConsecutiveBreaker, handleWhen, isBrokenCircuitError,
  TaskCancelledError, timeout, TimeoutStrategy, wrap,
} from 'cockatiel';
import type { Principal } from '#infra/auth/principal';
import type { Config } from '#infra/config/config';
import { isIndexNotFound, isTransientSearchError, type Elasticsearch } from '#infra/elasticsearch/elasticsearch';
import { CONFIG } from '#infra/nest/config.module';
import { ELASTICSEARCH } from '#infra/nest/elasticsearch.module';
import { invalidField } from '#infra/http/validation.pipe';
import { ownerFilter, readerOf } from '../access/reader.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { DEFAULT_PAGE_SIZE, ORDER_STATUSES } from '../shared/list-query.dto.js';
import { searchDuration, watchSearchBreaker } from './order-search.metrics.js';
import type { OrderSearchQueryDto, SearchSort } from './search-query.dto.js';

const SORTS: Record<SearchSort, estypes.SortCombinations[]> = {
  relevance: [{ _score: { order: 'desc' } }, { orderId: 'desc' }],
  newest: [{ createdAt: 'desc' }, { orderId: 'desc' }],
  oldest: [{ createdAt: 'asc' }, { orderId: 'asc' }],
  total_desc: [{ total: 'desc' }, { orderId: 'desc' }],
  total_asc: [{ total: 'asc' }, { orderId: 'asc' }],
};

const FLOAT_MAX = 3.4028234663852886e38;

// Relevance sorts on _score (a float); the others on a total or an instant (integers, as longs).
const isSortValue = (sort: SearchSort, value: unknown): boolean =>
  sort === 'relevance' ? typeof value === 'number' && Math.abs(value) <= FLOAT_MAX : Number.isSafeInteger(value);

const isSearchAfter = (sort: SearchSort) => (key: unknown[]): key is [number, string] =>
  key.length === 2 && isSortValue(sort, key[0]) && typeof key[1] === 'string' && key[1].length <= 100;

export interface OrderSearchResult {
  readonly items: Record<string, unknown>[];
  readonly total: number;
  readonly countsByStatus: Record<string, number>;
  readonly nextCursor: string | null;
}

/**
 * Order search over the `orders` alias. A customer searches their own orders: a term filter on
 * customerId in the query itself, so the total, the counts and the pages are theirs alone; an
 * operator searches all. Every call goes through a bulkhead (at most 8 searches at once, 16
 * queued: a slow Elasticsearch never ties up the process), a timeout and a circuit breaker; any
 * of them refusing, or Elasticsearch failing, is a 503 for search alone.
 */
@Injectable()
export class OrderSearchService {
  constructor(
    @Inject(ELASTICSEARCH) private readonly es: Elasticsearch,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    watchSearchBreaker(() => this.breaker.state);
  }

  private readonly breaker = circuitBreaker(handleWhen((e) => isTransientSearchError(e) || e instanceof TaskCancelledError), {
    halfOpenAfter: 5_000,
    breaker: new ConsecutiveBreaker(5),
  });

  private readonly policy = wrap(bulkhead(8, 16), this.breaker, timeout(this.config.searchTimeoutMs, TimeoutStrategy.Aggressive));

  async search(caller: Principal, query: OrderSearchQueryDto): Promise<OrderSearchResult> {
    const owner = ownerFilter(readerOf(caller));
    if (query.minTotal !== undefined && query.maxTotal !== undefined && query.minTotal > query.maxTotal) {
      throw invalidField('minTotal', 'minTotal must not be greater than maxTotal');
    }
    if (query.createdFrom && query.createdTo && Date.parse(query.createdFrom) > Date.parse(query.createdTo)) {
      throw invalidField('createdFrom', 'createdFrom must not be after createdTo');
    }
    const sort = query.sort ?? (query.q ? 'relevance' : 'newest');
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = query.cursor ? decodeCursor<[number, string]>(query.cursor, isSearchAfter(sort)) : undefined;
    const filters: estypes.QueryDslQueryContainer[] = [];
    if (owner !== null) filters.push({ term: { customerId: owner } });
    if (query.customerId) filters.push({ term: { customerId: query.customerId } });
    if (query.minTotal !== undefined || query.maxTotal !== undefined) filters.push({ range: { total: { gte: query.minTotal, lte: query.maxTotal } } });
    if (query.createdFrom || query.createdTo) filters.push({ range: { createdAt: { gte: query.createdFrom, lte: query.createdTo } } });
    const text: estypes.QueryDslQueryContainer[] = query.q
      ? [{ simple_query_string: { query: query.q, fields: ['items.name', 'items.sku', 'items.name.keyword', 'items.sku.keyword', 'orderId', 'customerId'], default_operator: 'and', lenient: true } }]
      : [];
    const response = await this.call((signal) =>
      this.es.search(
        {
          index: this.config.orderSearchAlias,
          size: limit + 1,
          track_total_hits: true,
          query: { bool: { must: text, filter: filters } },
          // Status filters the hits but not the counts, so the counts show every status.
          ...(query.status ? { post_filter: { term: { status: query.status } } } : {}),
          aggs: { byStatus: { terms: { field: 'status', size: ORDER_STATUSES.length } } },
          sort: SORTS[sort],
          ...(after ? { search_after: after } : {}),
        },
        { signal },
      ),
    );
    const hits = response.hits.hits;
    const page = hits.slice(0, limit);
    const last = page.at(-1);
    const buckets = (response.aggregations?.['byStatus'] as estypes.AggregationsStringTermsAggregate | undefined)?.buckets;
    const countsByStatus: Record<string, number> = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0]));
    for (const bucket of Array.isArray(buckets) ? buckets : []) countsByStatus[String(bucket.key)] = bucket.doc_count;
    const total = typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    return {
      items: page.map((hit) => hit._source as Record<string, unknown>),
      total,
      countsByStatus,
      nextCursor: hits.length > limit && last?.sort ? encodeCursor(last.sort as (string | number)[]) : null,
    };
  }

  private async call<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const end = searchDuration.startTimer();
    try {
      const result = await this.policy.execute(({ signal }) => work(signal));
      end({ outcome: 'ok' });
      return result;
    } catch (error) {
      end({ outcome: searchOutcome(error) });
      if (error instanceof BulkheadRejectedError) throw unavailable('Too many searches in flight; retry shortly');
      if (isBrokenCircuitError(error) || error instanceof BrokenCircuitError) throw unavailable('Search is unavailable (Elasticsearch is failing); retry later');
      if (error instanceof TaskCancelledError) throw unavailable(`Search took longer than ${this.config.searchTimeoutMs} ms`);
      if (isTransientSearchError(error) || (error instanceof Error && error.name === 'RequestAbortedError')) throw unavailable('Search is unavailable (Elasticsearch does not answer); retry later');
      // The projector creates the index when it starts: until then there is nothing to search yet.
      if (isIndexNotFound(error)) throw unavailable('The search index does not exist yet (the projector creates it when it starts); retry later');
      throw error;
    }
  }

}

const searchOutcome = (error: unknown): string => {
  if (error instanceof BulkheadRejectedError || isBrokenCircuitError(error) || error instanceof BrokenCircuitError) return 'refused';
  return error instanceof TaskCancelledError ? 'timeout' : 'failed';
};

const unavailable = (message: string): ServiceUnavailableException => new ServiceUnavailableException({ error: 'search_unavailable', message });
