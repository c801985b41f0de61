import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PostgresEventStore } from '#infra/event-store/postgres/postgres-event-store';
import { DatabaseModule, PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';
import { RelayModule } from '#infra/relay/relay.module';
import { AccountsController } from './accounts/accounts.controller.js';
import { MoveMoneyHandler, OpenAccountHandler } from './accounts/account.handlers.js';
import { HealthController } from './health/health.controller.js';
import { OrdersController } from './orders/orders.controller.js';
import { CancelOrderHandler, CreateOrderHandler, ShipOrderHandler } from './orders/order.handlers.js';
import { EVENT_STORE } from './shared/event-store.token.js';
import { StreamExecutor } from './shared/stream-executor.js';

@Module({
  imports: [DatabaseModule, CqrsModule.forRoot(), RelayModule],
  controllers: [AccountsController, OrdersController, HealthController],
  providers: [
    { provide: EVENT_STORE, inject: [PG_POOL], useFactory: (pool: Pool) => new PostgresEventStore(pool) },
    StreamExecutor,
    OpenAccountHandler,
    MoveMoneyHandler,
    CreateOrderHandler,
    CancelOrderHandler,
    ShipOrderHandler,
  ],
})
export class AppModule {}
