import { Module } from '@nestjs/common';
import type { Config } from '#infra/config/config';
import { CONFIG } from '#infra/nest/config.module';
import { PG_POOL } from '#infra/nest/database.module';
import type { EventStore } from '#eventsourcing';
import { EVENT_STORE } from '#infra/nest/event-store.module';
import { WritePath } from '#infra/nest/write-path';
import type { Pool } from '#infra/postgres/pool';
import { ServiceIdentity } from '#infra/auth/service-identity';
import { watchPaymentSagas } from './payment-saga.metrics.js';
import { PaymentSagaRepository } from './payment-saga.repository.js';
import { PaymentSagaRunner } from './payment-saga.runner.js';
import { PaymentSweeper } from './payment-sweeper.js';

/** The payment saga: its state, its runner (on the shared write path) and the timeout sweep. */
@Module({
  providers: [
    {
      provide: PaymentSagaRepository,
      inject: [PG_POOL, CONFIG],
      useFactory: (pool: Pool, config: Config) => {
        if (config.projections.includes('payment-saga')) watchPaymentSagas(pool);
        return new PaymentSagaRepository(pool);
      },
    },
    {
      provide: PaymentSagaRunner,
      inject: [PaymentSagaRepository, WritePath, EVENT_STORE, CONFIG],
      useFactory: (sagas: PaymentSagaRepository, writes: WritePath, store: EventStore, config: Config) =>
        new PaymentSagaRunner(sagas, writes, store, config.paymentTimeoutMs, new ServiceIdentity(config.oidc, config.paymentService, 'payment-service')),
    },
    PaymentSweeper,
  ],
  exports: [PaymentSagaRunner],
})
export class PaymentSagaModule {}
