import { Module } from '@nestjs/common';
import { DatabaseModule } from '#infra/nest/database.module';
import { ProjectorService } from './consumer/projector.service.js';
import { HealthController } from './http/health.controller.js';

@Module({
  imports: [DatabaseModule],
  controllers: [HealthController],
  providers: [ProjectorService],
})
export class AppModule {}
