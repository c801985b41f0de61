import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DatabaseModule } from '#infra/nest/database.module';
import { AccountQueries } from './accounts/account.queries.js';
import { AccountsController } from './accounts/accounts.controller.js';
import { ConsistencyInterceptor } from './consistency/consistency.interceptor.js';
import { HealthController } from './health.controller.js';
import { OrderQueries } from './orders/order.queries.js';
import { OrdersController } from './orders/orders.controller.js';
import { OrderSearchService } from './search/order-search.service.js';
import { SearchController } from './search/search.controller.js';

@Module({
  imports: [DatabaseModule],
  controllers: [SearchController, OrdersController, AccountsController, HealthController],
  providers: [OrderQueries, AccountQueries, OrderSearchService, { provide: APP_INTERCEPTOR, useClass: ConsistencyInterceptor }],
})
export class AppModule {}
