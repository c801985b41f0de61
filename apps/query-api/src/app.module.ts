import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuthModule } from '#infra/auth/auth.module';
import type { Config } from '#infra/config/config';
import { HealthController } from '#infra/http/health.controller';
import { RateLimitModule } from '#infra/http/rate-limit.module';
import { MetricsModule } from '#infra/metrics/metrics.module';
import { ConfigModule } from '#infra/nest/config.module';
import { DatabaseModule } from '#infra/nest/database.module';
import { ElasticsearchModule } from '#infra/nest/elasticsearch.module';
import { AccountQueries } from './accounts/account.queries.js';
import { AccountsController } from './accounts/accounts.controller.js';
import { ConsistencyInterceptor } from './consistency/consistency.interceptor.js';
import { ProjectedRevisions } from './consistency/projected-revisions.js';
import { healthChecks } from './health-checks.provider.js';
import { OrderQueries } from './orders/order.queries.js';
import { OrdersController } from './orders/orders.controller.js';
import { OrderSearchService } from './search/order-search.service.js';
import { SearchController } from './search/search.controller.js';

@Module({})
export class AppModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule.forRoot('query-api', config.metricsEnabled),
        DatabaseModule,
        // Before AuthModule: requests are counted before a missing token answers 401.
        RateLimitModule.forRoot({ routes: 'reads', waitHeader: 'x-consistency-token' }),
        AuthModule,
        ElasticsearchModule.forRoot((c) => c.searchTimeoutMs + 1_000),
      ],
      controllers: [SearchController, OrdersController, AccountsController, HealthController],
      providers: [healthChecks, ProjectedRevisions, OrderQueries, AccountQueries, OrderSearchService, { provide: APP_INTERCEPTOR, useClass: ConsistencyInterceptor }],
    };
  }
}
