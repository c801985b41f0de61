import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { Config } from '#infra/config/config';
import { MetricsModule } from '#infra/metrics/metrics.module';
import { ConfigModule } from '#infra/nest/config.module';
import { DatabaseModule } from '#infra/nest/database.module';
import { EventStoreModule } from '#infra/nest/event-store.module';
import { RelayModule } from '#infra/relay/relay.module';
import { AuthModule } from '#infra/auth/auth.module';
import { AccountsModule } from './accounts/accounts.module.js';
import { HealthController } from '#infra/http/health.controller';
import { RateLimitModule } from '#infra/http/rate-limit.module';
import { healthChecks } from './health/health-checks.provider.js';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor.js';
import { IdempotencyStore } from './idempotency/idempotency.store.js';
import { KeyWaiters } from './idempotency/key-waiters.js';
import { OrdersModule } from './orders/orders.module.js';

@Module({})
export class AppModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule.forRoot('command-api', config.metricsEnabled),
        DatabaseModule,
        EventStoreModule.forRoot({ idempotencyWindowMs: config.idempotencyTtlMs }),
        CqrsModule.forRoot(),
        // Before AuthModule: requests are counted before a missing token answers 401.
        RateLimitModule.forRoot({ routes: 'commands' }),
        AuthModule,
        RelayModule,
        AccountsModule,
        OrdersModule,
      ],
      controllers: [HealthController],
      providers: [healthChecks, IdempotencyStore, KeyWaiters, { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor }],
    };
  }
}
