import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';
import type { EventRelay } from '#infra/relay/relay';
import { RELAY } from '#infra/relay/relay.module';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(RELAY) private readonly relay: EventRelay,
  ) {}

  @Get()
  async health(): Promise<{ status: 'ok'; relay: EventRelay['status'] }> {
    try {
      await this.pool.query('SELECT 1');
    } catch {
      throw new ServiceUnavailableException({ error: 'database_unavailable', message: 'PostgreSQL does not answer' });
    }
    return { status: 'ok', relay: this.relay.status };
  }
}
