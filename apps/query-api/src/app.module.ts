import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { HealthController } from '#infra/http/health.controller';
import { DatabaseModule } from '#infra/nest/database.module';
import { AccountQueries } from './accounts/account.queries.js';
import { AccountsController } from './accounts/accounts.controller.js';
import { ConsistencyInterceptor } from './consistency/consistency.interceptor.js';
import { healthChecks } from './health-checks.provider.js';
import { OrderQueries } from './orders/order.queries.js';
import { OrdersController } from './orders/orders.controller.js';
import { OrderSearchService } from './search/order-search.service.js';
import { SearchController } from './search/search.controller.js';

@Module({
  imports: [DatabaseModule],
  controllers: [SearchController, OrdersController, AccountsController, HealthController],
  providers: [healthChecks, OrderQueries, AccountQueries, OrderSearchService, { provide: APP_INTERCEPTOR, useClass: ConsistencyInterceptor }],
})
export class AppModule {}
