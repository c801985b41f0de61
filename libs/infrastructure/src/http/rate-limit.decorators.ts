import { SetMetadata } from '@nestjs/common';
import type { RouteClass } from './rate-limit.policy.js';

export const RATE_LIMIT_CLASS = 'ledger:rate-limit-class';
export const NO_RATE_LIMIT = 'ledger:no-rate-limit';

/** Counts a controller's or a route's calls in this class instead of the app's default (RateLimitModule.forRoot). */
export const RateLimit = (routeClass: RouteClass): ClassDecorator & MethodDecorator => SetMetadata(RATE_LIMIT_CLASS, routeClass);

/** Never limited: health and metrics, which must answer whatever the load. */
export const NoRateLimit = (): ClassDecorator & MethodDecorator => SetMetadata(NO_RATE_LIMIT, true);
