import { isIPv6 } from 'node:net';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import { principalOf, type AuthenticatedRequest } from '../auth/principal.js';
import type { Config } from '../config/config.js';

/** The counters a request is counted in, each with its own limit per window (`config.rateLimits`). */
export const RATE_LIMIT_CLASSES = ['commands', 'reads', 'searches', 'consistencyWaits', 'anonymous'] as const;
export type RateLimitClass = (typeof RATE_LIMIT_CLASSES)[number];

/** The class of a route (`@RateLimit`, or the app's default); consistency waits and anonymous calls follow from the request. */
export type RouteClass = 'commands' | 'reads' | 'searches';

/** What an app counts: the class of its routes without @RateLimit, and the header that makes a request a consistency wait. */
export interface RateLimitRoutes {
  readonly routes: RouteClass;
  /** A request carrying this header (query-api: `x-consistency-token`) is counted as a consistency wait too. */
  readonly waitHeader?: string;
}

/**
 * An address as the limits count it: IPv4 as it is (also when IPv4-mapped), IPv6 by its /64, which
 * one host usually holds whole (counting its addresses apart would let it rotate through them).
 */
export const countedAddress = (ip: string | undefined): string => {
  if (!ip) return 'unknown';
  const bare = ip.split('%')[0]!.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare)?.[1];
  if (mapped) return mapped;
  if (!isIPv6(bare)) return bare;
  const [head = '', tail] = bare.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((group) => parseInt(group, 16).toString(16)).join(':')}::/64`;
};

/**
 * Who a request is counted against: its verified caller, else the address it comes from (no token,
 * a refused token, or one that could not be checked), so floods and token guessing are limited per
 * address.
 */
export const rateLimitTracker = (request: AuthenticatedRequest): string => {
  const caller = principalOf(request);
  return caller ? `subject:${caller.subject}` : `address:${countedAddress(request.ip)}`;
};

/** The classes a request is counted in: `anonymous` alone without a verified caller; else its route's, and consistency waits when it waits. */
export const classesOf = (request: AuthenticatedRequest, routeClass: RouteClass, waitHeader?: string): RateLimitClass[] => {
  if (!principalOf(request)) return ['anonymous'];
  return waitHeader !== undefined && request.headers[waitHeader] !== undefined ? [routeClass, 'consistencyWaits'] : [routeClass];
};

/** The Redis key of a caller's counters; the storage adds the class. Replicas of an app share it, apps and prefixes do not. */
export const rateLimitKey = (config: Pick<Config, 'appName' | 'rateLimits'>, tracker: string): string => `${config.rateLimits.keyPrefix}${config.appName}:${tracker}`;

/** One throttler per class whose limit is not 0, all over the same window. */
export const throttlerOptions = (config: Pick<Config, 'appName' | 'rateLimits'>): ThrottlerModuleOptions => ({
  throttlers: RATE_LIMIT_CLASSES.filter((name) => config.rateLimits[name] > 0).map((name) => ({ name, limit: config.rateLimits[name], ttl: config.rateLimits.windowMs })),
  getTracker: (request) => rateLimitTracker(request as AuthenticatedRequest),
  generateKey: (_context, tracker) => rateLimitKey(config, tracker),
});
