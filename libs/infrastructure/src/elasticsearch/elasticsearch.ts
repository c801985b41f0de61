import { Client, errors } from '@elastic/elasticsearch';

/** A client with no retries of its own: callers wrap it in cockatiel policies. */
export const createElasticsearch = (node: string, requestTimeout = 10_000): Client =>
  new Client({ node, maxRetries: 0, requestTimeout, compression: false });

/** Connection failures, timeouts, 429 and 5xx: worth retrying, and what opens a circuit breaker. */
export const isTransientSearchError = (error: unknown): boolean => {
  if (error instanceof errors.ConnectionError || error instanceof errors.TimeoutError || error instanceof errors.NoLivingConnectionsError) return true;
  if (error instanceof errors.ResponseError) return error.statusCode === 429 || (error.statusCode ?? 0) >= 500;
  return false;
};

/** The index (or the alias) searched does not exist. */
export const isIndexNotFound = (error: unknown): boolean =>
  error instanceof errors.ResponseError && error.statusCode === 404 && (error.body as { error?: { type?: string } } | undefined)?.error?.type === 'index_not_found_exception';

export type { Client as Elasticsearch } from '@elastic/elasticsearch';
