import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { getOptionsToken, getStorageToken } from '@nestjs/throttler';
import type { Config } from '../config/config.js';
import { CONFIG } from '../nest/config.module.js';
import type { HealthCheck } from './health.check.js';
import { RATE_LIMIT_ROUTES, RateLimitGuard } from './rate-limit.guard.js';
import { RATE_LIMIT_CLASSES, throttlerOptions, type RateLimitRoutes } from './rate-limit.policy.js';
import { RateLimitStore } from './rate-limit.store.js';

/** The check for an app's HEALTH_CHECKS: always healthy (the app serves without its limits), with the limits' status. */
export const RATE_LIMITS_HEALTH_CHECK = Symbol('RATE_LIMITS_HEALTH_CHECK');

export const rateLimitsHealthCheck = (store: RateLimitStore): HealthCheck => ({
  name: 'rateLimits',
  run: async () => ({ healthy: true, detail: await store.status() }),
});

/**
 * Rate limits per caller (per address without a verified token) from `config.rateLimits`, counted
 * in Redis by a global guard. Import it before AuthModule: global guards run in the order their
 * modules are imported, so a request is counted before a missing token answers 401.
 *
 * `RateLimitModule.forRoot({ routes: 'commands' })` counts every route as a command;
 * `@RateLimit('searches')` on a controller or a route counts it in another class; `@NoRateLimit()`
 * leaves it alone (health, metrics).
 */
@Module({})
export class RateLimitModule {
  static forRoot(routes: RateLimitRoutes): DynamicModule {
    return {
      module: RateLimitModule,
      providers: [
        { provide: RATE_LIMIT_ROUTES, useValue: routes },
        { provide: getOptionsToken(), inject: [CONFIG], useFactory: (config: Config) => throttlerOptions(config) },
        {
          provide: RateLimitStore,
          inject: [CONFIG],
          useFactory: (config: Config) => new RateLimitStore(config.redisUrl, RATE_LIMIT_CLASSES.some((name) => config.rateLimits[name] > 0)),
        },
        { provide: getStorageToken(), useExisting: RateLimitStore },
        { provide: RATE_LIMITS_HEALTH_CHECK, inject: [RateLimitStore], useFactory: rateLimitsHealthCheck },
        { provide: APP_GUARD, useClass: RateLimitGuard },
      ],
      exports: [RATE_LIMITS_HEALTH_CHECK],
    };
  }
}
