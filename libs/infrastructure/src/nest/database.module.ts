import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Config } from '../config/config.js';
import { createPool, type Pool } from '../postgres/pool.js';
import { CONFIG } from './config.module.js';

export const PG_POOL = Symbol('PG_POOL');

/** One pg pool per process, closed on shutdown. Inject with `@Inject(PG_POOL)`. Needs ConfigModule. */
@Global()
@Module({
  providers: [{ provide: PG_POOL, inject: [CONFIG], useFactory: (config: Config): Pool => createPool(config) }],
  exports: [PG_POOL],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
