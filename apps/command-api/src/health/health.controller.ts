import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';
import { Relay } from '#infra/relay/relay';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(Relay) private readonly relay: Relay,
  ) {}

  @Get()
  async health(): Promise<{ status: 'ok'; relay: Relay['status'] }> {
    try {
      await this.pool.query('SELECT 1');
    } catch {
      throw new ServiceUnavailableException({ error: 'database_unavailable', message: 'PostgreSQL does not answer' });
    }
    return { status: 'ok', relay: this.relay.status };
  }
}
