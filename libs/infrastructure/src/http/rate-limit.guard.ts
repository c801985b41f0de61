import { HttpException, Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Response } from 'express';
import type { AuthenticatedRequest } from '../auth/principal.js';
import { rateLimitRefusals } from '../metrics/http.metrics.js';
import { NO_RATE_LIMIT, RATE_LIMIT_CLASS } from './rate-limit.decorators.js';
import { classesOf, type RateLimitClass, type RateLimitRoutes, type RouteClass } from './rate-limit.policy.js';
import { RateLimitsUnavailableError } from './rate-limit.store.js';

export const RATE_LIMIT_ROUTES = Symbol('RATE_LIMIT_ROUTES');

const TOO_MANY: Record<RateLimitClass, string> = {
  commands: 'Too many commands',
  reads: 'Too many reads',
  searches: 'Too many searches',
  consistencyWaits: 'Too many requests waiting on X-Consistency-Token',
  anonymous: 'Too many requests without a valid token from this address',
};

/** The 429: `{ error: 'rate_limited', limit: <class>, retryAfter }`; the guard has set `Retry-After`. */
export const rateLimited = (limit: RateLimitClass, retryAfterSeconds: number): HttpException =>
  new HttpException({ error: 'rate_limited', limit, retryAfter: retryAfterSeconds, message: `${TOO_MANY[limit]}; retry in ${retryAfterSeconds} s` }, 429);

/**
 * @nestjs/throttler's guard, counting each request in its classes (see classesOf) per caller
 * (rateLimitTracker), in Redis. Beyond a limit: 429 with `Retry-After`, the seconds until the
 * caller is let through again. Every counted answer carries `X-RateLimit-{Limit,Remaining,Reset}-<class>`.
 * Routes marked @NoRateLimit are never counted. Redis away: the request is served (fail open); the
 * store logs the outage and /health reports the limits as degraded.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    @Inject(Reflector) reflector: Reflector,
    @Inject(RATE_LIMIT_ROUTES) private readonly routes: RateLimitRoutes,
  ) {
    super(options, storage, reflector);
  }

  private get off(): boolean {
    return !Array.isArray(this.options) && this.options.throttlers.length === 0;
  }

  // Every limit 0: nothing to count (and no warning from the library at every start).
  override async onModuleInit(): Promise<void> {
    if (!this.off) await super.onModuleInit();
  }

  override canActivate(context: ExecutionContext): Promise<boolean> {
    return this.off ? Promise.resolve(true) : super.canActivate(context);
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(this.reflector.getAllAndOverride<boolean | undefined>(NO_RATE_LIMIT, [context.getHandler(), context.getClass()]) === true);
  }

  protected override async handleRequest({ context, limit, ttl, throttler, blockDuration, getTracker, generateKey }: ThrottlerRequest): Promise<boolean> {
    const name = throttler.name as RateLimitClass;
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const routeClass = this.reflector.getAllAndOverride<RouteClass | undefined>(RATE_LIMIT_CLASS, [context.getHandler(), context.getClass()]) ?? this.routes.routes;
    if (!classesOf(request, routeClass, this.routes.waitHeader).includes(name)) return true;
    const key = generateKey(context, await getTracker(request, context), name);
    let counted;
    try {
      counted = await this.storageService.increment(key, ttl, limit, blockDuration, name);
    } catch (error) {
      if (error instanceof RateLimitsUnavailableError) return true;
      throw error;
    }
    const response = http.getResponse<Response>();
    response.setHeader(`${this.headerPrefix}-Limit-${name}`, String(limit));
    response.setHeader(`${this.headerPrefix}-Remaining-${name}`, String(counted.isBlocked ? 0 : Math.max(0, limit - counted.totalHits)));
    response.setHeader(`${this.headerPrefix}-Reset-${name}`, String(counted.isBlocked ? counted.timeToBlockExpire : counted.timeToExpire));
    if (!counted.isBlocked) return true;
    const retryAfter = Math.max(1, counted.timeToBlockExpire);
    response.setHeader('Retry-After', String(retryAfter));
    rateLimitRefusals.inc({ limit: name });
    throw rateLimited(name, retryAfter);
  }
}
