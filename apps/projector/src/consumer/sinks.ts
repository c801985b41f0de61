import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, fullJitterGenerator, handleWhen, retry, wrap, BrokenCircuitError } from 'cockatiel';
import type { EventEnvelope, KnownEvent } from '#events';
import { isTransientSearchError, type Elasticsearch } from '#infra/elasticsearch/elasticsearch';
import type { EventStore } from '#eventsourcing';
import { createLogger } from '#infra/logging/logger';
import type { Pool } from '#infra/postgres/pool';
import type { ApplyOutcome, Projection } from '../projections/projection.js';
import { ORDER_SEARCH_PROJECTION } from '../search/order-search.projection.js';
import { OrderSearchWriter, TransientBulkError } from '../search/order-search.writer.js';
import type { ProjectionSink } from './projection-consumer.js';
import { databaseRetryPolicy } from './transient.js';

const log = createLogger('projection-sink');

/**
 * A PostgreSQL projection: one transaction per batch, transient errors retried with jitter. Its
 * rows are its streams' own (an account's balance and lines, an order's history; the parked rows
 * of a stream), so the partitions' batches are applied at once.
 */
export const postgresSink = (projection: Projection, pool: Pool): ProjectionSink => {
  const policy = databaseRetryPolicy();
  const applyInTransaction = async (events: readonly EventEnvelope<KnownEvent>[]): Promise<ApplyOutcome> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const outcome = await projection.apply(client, 'public', events);
      await client.query('COMMIT');
      client.release();
      return outcome;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(error as Error);
      throw error;
    }
  };
  return {
    name: projection.name,
    categories: projection.categories,
    independentPartitions: true,
    apply: (events, keepAlive, signal) => {
      const listener = policy.onRetry(() => void keepAlive().catch(() => undefined));
      return policy.execute(() => applyInTransaction(events), signal).finally(() => listener.dispose());
    },
  };
};

const isTransient = (error: unknown): boolean => isTransientSearchError(error) || error instanceof TransientBulkError;

/**
 * The order search index. Elasticsearch calls sit behind a circuit breaker (5 consecutive
 * failures open it for 5 s); around it, retries with exponential backoff and full jitter that
 * never give up while the consumer runs: an outage pauses consumption, it never skips events.
 */
export const orderSearchSink = (es: Elasticsearch, store: EventStore, alias: string): ProjectionSink => {
  const writer = new OrderSearchWriter(es, store);
  const breaker = circuitBreaker(handleWhen(isTransient), { halfOpenAfter: 5_000, breaker: new ConsecutiveBreaker(5) });
  breaker.onBreak(() => log.warn({ projection: ORDER_SEARCH_PROJECTION.name }, 'Elasticsearch circuit open: pausing the search projection'));
  breaker.onReset(() => log.info({ projection: ORDER_SEARCH_PROJECTION.name }, 'Elasticsearch circuit closed: resuming'));
  const retrying = retry(handleWhen((error) => isTransient(error) || error instanceof BrokenCircuitError), {
    maxAttempts: Number.MAX_SAFE_INTEGER,
    // Capped well under the consumer's session timeout: each retry heartbeats.
    backoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: 4_000, generator: fullJitterGenerator }),
  });
  const policy = wrap(retrying, breaker);
  return {
    name: ORDER_SEARCH_PROJECTION.name,
    categories: ORDER_SEARCH_PROJECTION.categories,
    // One batch at a time, as before. The live writer keeps nothing between batches (it is not the
    // rebuild's, which writes behind), so it could take the partitions at once too: not measured
    // or tested under faults here.
    independentPartitions: false,
    apply: (events, keepAlive, signal) => {
      const listener = retrying.onRetry(() => void keepAlive().catch(() => undefined));
      return policy.execute(() => writer.apply(alias, events), signal).finally(() => listener.dispose());
    },
  };
};
