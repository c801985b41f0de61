import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { createPool, type Pool } from '../postgres/pool.js';

export const PG_POOL = Symbol('PG_POOL');

/** One pg pool per process, closed on shutdown. Inject with `@Inject(PG_POOL)`. */
@Global()
@Module({
  providers: [{ provide: PG_POOL, useFactory: (): Pool => createPool() }],
  exports: [PG_POOL],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
