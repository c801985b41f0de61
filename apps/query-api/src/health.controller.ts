import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';

@Controller('health')
export class HealthController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get()
  async health(): Promise<{ status: 'ok' }> {
    await this.pool.query('SELECT 1').catch(() => {
      throw new ServiceUnavailableException({ error: 'database_unavailable', message: 'PostgreSQL does not answer' });
    });
    return { status: 'ok' };
  }
}
