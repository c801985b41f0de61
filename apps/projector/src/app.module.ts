import { Module } from '@nestjs/common';
import { HealthController } from '#infra/http/health.controller';
import { DatabaseModule } from '#infra/nest/database.module';
import { ProjectorService } from './consumer/projector.service.js';
import { healthChecks } from './http/health-checks.provider.js';
import { MetricsController } from './http/metrics.controller.js';

@Module({
  imports: [DatabaseModule],
  controllers: [HealthController, MetricsController],
  providers: [ProjectorService, healthChecks],
})
export class AppModule {}
