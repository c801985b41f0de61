import {
  BadRequestException,
  GatewayTimeoutException,
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { from, switchMap, type Observable } from 'rxjs';
import { principalOf, type AuthenticatedRequest } from '#infra/auth/principal';
import type { Config } from '#infra/config/config';
import { CONFIG } from '#infra/nest/config.module';
import { readerOf, type Reader } from '../access/reader.js';
import { hasReached } from './consistency.policy.js';
import { parseConsistencyToken, type ConsistencyToken } from './consistency-token.js';
import { ProjectedRevisions } from './projected-revisions.js';
import { consistencyWaits } from './consistency.metrics.js';

/**
 * Read-your-writes: with `X-Consistency-Token: <streamId>@<revision>`, the request waits until
 * the read model has applied that revision, for at most CONSISTENCY_TIMEOUT_MS, else 504. A token
 * works on the caller's own streams (any, for an operator): one for someone else's stream waits
 * and answers as one for a stream that never comes (see consistency.policy.ts).
 */
@Injectable()
export class ConsistencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(ProjectedRevisions) private readonly revisions: ProjectedRevisions,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const raw = request.header('x-consistency-token');
    const caller = principalOf(request);
    // Without a caller, the route is @Public (health): it reads no stream, there is nothing to wait for.
    if (raw === undefined || caller === null) return next.handle();
    const reader = readerOf(caller); // a caller who reads nothing is refused now, not after a wait
    const token = parseConsistencyToken(raw);
    if (!token) {
      throw new BadRequestException({ error: 'invalid_header', message: 'X-Consistency-Token must be <order|account>-<uuid>@<revision>' });
    }
    return from(this.waitFor(token, reader)).pipe(switchMap(() => next.handle()));
  }

  private async waitFor(token: ConsistencyToken, reader: Reader): Promise<void> {
    const end = consistencyWaits.startTimer();
    const applied = await this.revisions.waitFor(token, reader, this.config.consistencyTimeoutMs).catch((error: unknown) => {
      end({ outcome: 'failed' });
      throw error;
    });
    const reached = hasReached(applied, token.revision);
    end({ outcome: reached ? 'reached' : 'timeout' });
    if (reached) return;
    throw new GatewayTimeoutException({
      error: 'consistency_timeout',
      message: `${token.streamId} is projected up to revision ${applied ?? 'none'}, not yet ${token.revision}; retry later`,
      wanted: token.revision,
      applied,
    });
  }
}
