import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { HealthController } from '#infra/http/health.controller';
import { DatabaseModule } from '#infra/nest/database.module';
import { EventStoreModule } from '#infra/nest/event-store.module';
import { RelayModule } from '#infra/relay/relay.module';
import { AccountsController } from './accounts/accounts.controller.js';
import { MoveMoneyHandler, OpenAccountHandler } from './accounts/account.handlers.js';
import { healthChecks } from './health/health-checks.provider.js';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor.js';
import { IdempotencyStore } from './idempotency/idempotency.store.js';
import { OrdersController } from './orders/orders.controller.js';
import { CancelOrderHandler, CreateOrderHandler, ShipOrderHandler } from './orders/order.handlers.js';
import { StreamExecutor } from './shared/stream-executor.js';

@Module({
  imports: [DatabaseModule, EventStoreModule, CqrsModule.forRoot(), RelayModule],
  controllers: [AccountsController, OrdersController, HealthController],
  providers: [
    healthChecks,
    IdempotencyStore,
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
    StreamExecutor,
    OpenAccountHandler,
    MoveMoneyHandler,
    CreateOrderHandler,
    CancelOrderHandler,
    ShipOrderHandler,
  ],
})
export class AppModule {}
