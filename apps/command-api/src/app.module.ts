import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DatabaseModule } from '#infra/nest/database.module';
import { EventStoreModule } from '#infra/nest/event-store.module';
import { RelayModule } from '#infra/relay/relay.module';
import { AccountsController } from './accounts/accounts.controller.js';
import { MoveMoneyHandler, OpenAccountHandler } from './accounts/account.handlers.js';
import { HealthController } from './health/health.controller.js';
import { OrdersController } from './orders/orders.controller.js';
import { CancelOrderHandler, CreateOrderHandler, ShipOrderHandler } from './orders/order.handlers.js';
import { StreamExecutor } from './shared/stream-executor.js';

@Module({
  imports: [DatabaseModule, EventStoreModule, CqrsModule.forRoot(), RelayModule],
  controllers: [AccountsController, OrdersController, HealthController],
  providers: [
    StreamExecutor,
    OpenAccountHandler,
    MoveMoneyHandler,
    CreateOrderHandler,
    CancelOrderHandler,
    ShipOrderHandler,
  ],
})
export class AppModule {}
