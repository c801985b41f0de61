import { createHash } from 'node:crypto';
import {
  ConflictException, HttpException, Inject, Injectable, UnprocessableEntityException,
  type CallHandler, type ExecutionContext, type NestInterceptor, type OnApplicationBootstrap, type OnApplicationShutdown,
} from '@nestjs/common';
import type { Response } from 'express';
import type { AuthenticatedRequest } from '#infra/auth/principal';
import { catchError, from, mergeMap, switchMap, type Observable } from 'rxjs';
import type { Config } from '#infra/config/config';
import { createLogger } from '#infra/logging/logger';
import { CONFIG } from '#infra/nest/config.module';
import { clientGone } from '#infra/http/admission.middleware';
import { idempotentReplays } from '#infra/metrics/write.metrics';
import { errorResponse } from '../shared/http-errors.filter.js';
import { callerOf } from '#infra/auth/caller.decorator';
import { InvalidHeaderError } from '../shared/command-context.js';
import { IdempotencyStore } from './idempotency.store.js';
import { KeyWaiters } from './key-waiters.js';

const log = createLogger('idempotency');
/** nginx's status for a client that closed the request: nobody reads it, the logs do. */
const gone = (): HttpException => new HttpException({ error: 'client_gone', message: 'The client closed the connection; nothing was done' }, 499);
const KEY = /^[\x21-\x7e]{1,255}$/; // visible ASCII, as Stripe and the IETF draft use
const WAIT_MS = 5_000;
/** Longest wait between two looks at a key in progress, should its notification be missed. */
const FALLBACK_POLL_MS = 500;

/** JSON with sorted keys, so the same body always hashes the same. */
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
};

/** The stored key: the caller's subject and the key, apart by a character no key may hold. */
export const scopedKey = (subject: string, key: string): string => `${subject} ${key}`;

export const requestHash = (method: string, path: string, body: unknown): string =>
  createHash('sha256').update(`${method} ${path}\n${canonical(body)}`).digest('hex');

/** Outcomes a retry must see again; a 409 (concurrency) or a 5xx may succeed on retry instead. */
const isFinal = (status: number): boolean => status < 500 && status !== 409 && status !== 429;

/**
 * `Idempotency-Key` on a POST: the first request with a key executes and its answer is kept for
 * IDEMPOTENCY_TTL_MS; a retry with the same key and body gets that answer again (with
 * `Idempotent-Replayed: true`) without executing; the same key with another body or route is a
 * 422; a duplicate that arrives while the first is running waits for its answer.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor, OnApplicationBootstrap, OnApplicationShutdown {
  private purge: NodeJS.Timeout | null = null;

  constructor(
    @Inject(IdempotencyStore) private readonly store: IdempotencyStore,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(KeyWaiters) private readonly waiters: KeyWaiters,
  ) {}

  onApplicationBootstrap(): void {
    this.purge = setInterval(() => void this.store.purgeExpired().catch((err: unknown) => log.warn({ err }, 'purge failed')), 10 * 60_000);
    this.purge.unref();
  }

  onApplicationShutdown(): void {
    if (this.purge) clearInterval(this.purge);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const key = request.header('idempotency-key');
    if (clientGone(request)) throw gone();
    if (request.method !== 'POST' || key === undefined) return next.handle();
    if (!KEY.test(key)) throw new InvalidHeaderError('Idempotency-Key must be 1 to 255 visible ASCII characters');
    const hash = requestHash(request.method, request.path, request.body);
    // Keys are scoped per caller: the same key from two callers is two keys.
    const scoped = scopedKey(callerOf(request).subject, key);
    return from(this.claim(scoped, hash)).pipe(
      switchMap((claim) => {
        if (claim.kind === 'replay') {
          http.getResponse<Response>().setHeader('Idempotent-Replayed', 'true');
          idempotentReplays.inc();
          if (claim.status >= 400) throw new HttpException(claim.body as Record<string, unknown>, claim.status);
          return from([claim.body]);
        }
        if (clientGone(request)) return from(this.store.release(scoped).then(() => Promise.reject(gone())));
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            await this.store.complete(scoped, 201, body);
            return body;
          }),
          catchError(async (error: unknown) => {
            const answer = errorResponse(error);
            if (isFinal(answer.statusCode)) await this.store.complete(scoped, answer.statusCode, answer);
            else await this.store.release(scoped);
            throw error;
          }),
        );
      }),
    );
  }

  /** Claims the key, waiting a while for a running duplicate to finish. */
  private async claim(key: string, hash: string): Promise<{ kind: 'execute' } | { kind: 'replay'; status: number; body: unknown }> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const claim = await this.store.claim(key, hash, this.config.idempotencyTtlMs);
      if (claim.kind === 'mismatch') {
        throw new UnprocessableEntityException({ error: 'idempotency_key_reused', message: 'This Idempotency-Key was used with another request (route or body)' });
      }
      if (claim.kind !== 'in_progress') return claim;
      if (Date.now() > deadline) {
        throw new ConflictException({ error: 'idempotency_key_in_progress', message: 'A request with this Idempotency-Key is still running; retry shortly' });
      }
      await this.waiters.wait(key, Math.min(FALLBACK_POLL_MS, Math.max(deadline - Date.now(), 1)));
    }
  }
}
