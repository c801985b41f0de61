import {
  BadRequestException,
  GatewayTimeoutException,
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request } from 'express';
import { from, switchMap, type Observable } from 'rxjs';
import type { Config } from '#infra/config/config';
import { CONFIG } from '#infra/nest/config.module';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';
import { parseConsistencyToken, type ConsistencyToken } from './consistency-token.js';

const POLL_MS = 20;
const REVISION_SQL: Record<ConsistencyToken['category'], string> = {
  order: 'SELECT revision FROM order_history WHERE order_id = $1',
  account: 'SELECT revision FROM account_statement WHERE account_id = $1',
};

/**
 * Read-your-writes: with `X-Consistency-Token: <streamId>@<revision>`, the request waits until
 * the read model has applied that revision, for at most CONSISTENCY_TIMEOUT_MS, else 504.
 */
@Injectable()
export class ConsistencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const raw = context.switchToHttp().getRequest<Request>().header('x-consistency-token');
    if (raw === undefined) return next.handle();
    const token = parseConsistencyToken(raw);
    if (!token) {
      throw new BadRequestException({ error: 'invalid_header', message: 'X-Consistency-Token must be <order|account>-<uuid>@<revision>' });
    }
    return from(this.waitFor(token)).pipe(switchMap(() => next.handle()));
  }

  private async waitFor(token: ConsistencyToken): Promise<void> {
    const deadline = Date.now() + this.config.consistencyTimeoutMs;
    let applied: number | null = null;
    for (;;) {
      const { rows } = await this.pool.query<{ revision: string }>(REVISION_SQL[token.category], [token.id]);
      applied = rows[0] ? Number(rows[0].revision) : null;
      if (applied !== null && applied >= token.revision) return;
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new GatewayTimeoutException({
      error: 'consistency_timeout',
      message: `${token.streamId} is projected up to revision ${applied ?? 'none'}, not yet ${token.revision}; retry later`,
      wanted: token.revision,
      applied,
    });
  }
}
