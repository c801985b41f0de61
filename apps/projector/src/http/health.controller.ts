import { Controller, Get, Header, Inject, ServiceUnavailableException } from '@nestjs/common';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';
import { registry } from '../consumer/metrics.js';
import { ProjectorService } from '../consumer/projector.service.js';

@Controller()
export class HealthController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(ProjectorService) private readonly projector: ProjectorService,
  ) {}

  /** 200 when PostgreSQL answers and every consumer has joined its group; 503 otherwise. */
  @Get('health')
  async health(): Promise<{ status: 'ok'; consumers: Record<string, boolean> }> {
    const consumers = Object.fromEntries(this.projector.consumers.map((c) => [c.name, c.isRunning]));
    const database = await this.pool.query('SELECT 1').then(() => true, () => false);
    if (!database || Object.values(consumers).includes(false)) {
      throw new ServiceUnavailableException({ status: 'unavailable', database, consumers });
    }
    return { status: 'ok', consumers };
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4')
  metrics(): Promise<string> {
    return registry.metrics();
  }
}
