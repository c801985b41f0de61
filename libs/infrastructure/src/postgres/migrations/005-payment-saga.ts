import { addPaymentStatusSql } from '../../read-models/order-history.table.js';

/** The order's payment in the order history, and the payment saga's own state. */
export const paymentSaga = {
  id: '005-payment-saga',
  sql: `
    ${addPaymentStatusSql}
    CREATE TABLE payment_sagas (
      order_id text PRIMARY KEY,
      account_id text NOT NULL,
      amount bigint NOT NULL,
      currency text NOT NULL,
      state text NOT NULL,
      reason text,
      deadline timestamptz NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ON payment_sagas (state, deadline);
  `,
};
