import type { ProjectionSink } from '../consumer/projection-consumer.js';
import { databaseRetryPolicy } from '../consumer/transient.js';
import type { PaymentSagaRunner } from './payment-saga.runner.js';

export const PAYMENT_SAGA = { name: 'payment-saga', categories: ['order'] } as const;

/**
 * The saga as a consumer of order events (its own consumer group): events are handled one by one
 * in partition order, so an order's events reach it in order; offsets are committed after.
 */
export const paymentSagaSink = (saga: PaymentSagaRunner): ProjectionSink => {
  const policy = databaseRetryPolicy();
  return {
    name: PAYMENT_SAGA.name,
    categories: PAYMENT_SAGA.categories,
    apply: async (events, keepAlive, signal) => {
      const listener = policy.onRetry(() => void keepAlive().catch(() => undefined));
      try {
        for (const event of events) await policy.execute(() => saga.handle(event), signal);
      } finally {
        listener.dispose();
      }
      return { applied: events.length, skipped: 0, rejected: [] };
    },
  };
};
