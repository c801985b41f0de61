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
import { parseConsistencyToken, type ConsistencyToken } from './consistency-token.js';
import { ProjectedRevisions } from './projected-revisions.js';

/**
 * Read-your-writes: with `X-Consistency-Token: <streamId>@<revision>`, the request waits until
 * the read model has applied that revision, for at most CONSISTENCY_TIMEOUT_MS, else 504.
 */
@Injectable()
export class ConsistencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(ProjectedRevisions) private readonly revisions: ProjectedRevisions,
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
    const applied = await this.revisions.waitFor(token, this.config.consistencyTimeoutMs);
    if (applied !== null && applied >= token.revision) return;
    throw new GatewayTimeoutException({
      error: 'consistency_timeout',
      message: `${token.streamId} is projected up to revision ${applied ?? 'none'}, not yet ${token.revision}; retry later`,
      wanted: token.revision,
      applied,
    });
  }
}
