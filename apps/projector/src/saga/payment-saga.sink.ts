import { context } from '@opentelemetry/api';
import { DomainError } from '#domain';
import type { EventEnvelope, KnownEvent } from '#events';
import type { ProjectionSink } from '../consumer/projection-consumer.js';
import { databaseRetryPolicy } from '../consumer/transient.js';
import { ProjectionError } from '../projections/projection.js';
import { UnknownEventError, type PaymentSagaRunner } from './payment-saga.runner.js';

export const PAYMENT_SAGA = { name: 'payment-saga', categories: ['order'] } as const;

type Rejected = { event: EventEnvelope<KnownEvent>; error: ProjectionError };

/**
 * The saga as a consumer of order events (its own consumer group): events are handled one by one
 * in partition order, so an order's events reach it in order; offsets are committed after.
 * Transient database errors are retried; an event the saga cannot act on (one the event store
 * does not hold, or a step a domain rule refuses with no rule of the saga's for it) is
 * dead-lettered with the reason, and the orders behind it go on.
 */
export const paymentSagaSink = (saga: PaymentSagaRunner): ProjectionSink => {
  const policy = databaseRetryPolicy();
  return {
    name: PAYMENT_SAGA.name,
    categories: PAYMENT_SAGA.categories,
    // Its steps append to the accounts' streams, which the orders of every partition share.
    independentPartitions: false,
    apply: async (events, keepAlive, signal, traceOf = () => context.active()) => {
      const listener = policy.onRetry(() => void keepAlive().catch(() => undefined));
      const rejected: Rejected[] = [];
      try {
        for (const event of events) {
          try {
            // The saga's commands continue the trace of the request that created the order.
            await context.with(traceOf(event), () => policy.execute(() => saga.handle(event), signal));
          } catch (error) {
            if (!(error instanceof DomainError) && !(error instanceof UnknownEventError)) throw error;
            rejected.push({ event, error: new ProjectionError(`payment saga: ${error.message}`) });
          }
        }
      } finally {
        listener.dispose();
      }
      return { applied: events.length - rejected.length, skipped: 0, rejected };
    },
  };
};
