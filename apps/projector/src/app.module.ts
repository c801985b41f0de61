import { Module, type DynamicModule } from '@nestjs/common';
import type { Config } from '#infra/config/config';
import { HealthController } from '#infra/http/health.controller';
import { MetricsModule } from '#infra/metrics/metrics.module';
import { ConfigModule } from '#infra/nest/config.module';
import { DatabaseModule } from '#infra/nest/database.module';
import { ElasticsearchModule } from '#infra/nest/elasticsearch.module';
import { EventStoreModule } from '#infra/nest/event-store.module';
import { KafkaModule } from '#infra/nest/kafka.module';
import { ProjectorService } from './consumer/projector.service.js';
import { healthChecks } from './http/health-checks.provider.js';
import { PaymentSagaModule } from './saga/payment-saga.module.js';
import { StatusModule } from './status/status.module.js';

@Module({})
export class AppModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), MetricsModule.forRoot('projector', config.metricsEnabled), DatabaseModule, EventStoreModule.forRoot(), KafkaModule, ElasticsearchModule.forRoot(() => 5_000), PaymentSagaModule, StatusModule],
      controllers: [HealthController],
      providers: [ProjectorService, healthChecks],
    };
  }
}
