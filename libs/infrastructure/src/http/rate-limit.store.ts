import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { circuitBreaker, CircuitState, ConsecutiveBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';
import { Redis } from 'ioredis';
import { createLogger } from '../logging/logger.js';

const log = createLogger('rate-limits');

/** Longest a request waits on Redis for its counters, and longest a start waits for Redis. */
const COMMAND_TIMEOUT_MS = 250;
const CONNECT_TIMEOUT_MS = 2_000;

export type CountedHits = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** The counters could not be had: the request is served without limits (fail open). */
export class RateLimitsUnavailableError extends Error {
  override name = 'RateLimitsUnavailableError';
}

export type RateLimitsStatus = { readonly status: 'ok' | 'off' } | { readonly status: 'degraded'; readonly message: string };

/**
 * The rate limits' counters in Redis, shared by every replica (the Lua script of
 * @nest-lab/throttler-storage-redis). A request never waits on a Redis that is away: commands are
 * not queued while disconnected, time out after 250 ms, and after 3 failures in a row a circuit
 * breaker skips Redis for 2 s; each such failure is a RateLimitsUnavailableError. The client
 * reconnects on its own; an outage is logged when it starts and when it ends, not per request.
 */
export class RateLimitStore implements ThrottlerStorage, OnModuleInit, OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly counters: ThrottlerStorageRedisService;
  private readonly breaker: CircuitBreakerPolicy = circuitBreaker(handleAll, { halfOpenAfter: 2_000, breaker: new ConsecutiveBreaker(3) });
  private outage: string | null = null;

  /** `enabled: false` (every limit is 0): nothing is counted, Redis is never connected. */
  constructor(
    redisUrl: string,
    private readonly enabled: boolean,
  ) {
    this.redis = new Redis(redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 250, 5_000),
      // disconnect() arms this timer even for a connection already lost: short, so a stop is not held up.
      disconnectTimeout: COMMAND_TIMEOUT_MS,
    });
    // Without a listener, ioredis reports each failed reconnection on stderr.
    this.redis.on('error', (error: Error) => this.down(`Redis: ${error.message}`));
    this.redis.on('ready', () => this.up());
    this.breaker.onBreak(() => this.down('Redis does not answer in time'));
    this.counters = new ThrottlerStorageRedisService(this.redis);
  }

  /** Waits for Redis at most 2 s: without it the app starts anyway, unlimited, and the client keeps trying. */
  async onModuleInit(): Promise<void> {
    if (!this.enabled) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((done) => (timer = setTimeout(done, CONNECT_TIMEOUT_MS)));
    await Promise.race([this.redis.connect().catch(() => undefined), waited]);
    clearTimeout(timer);
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<CountedHits> {
    try {
      const counted = await this.breaker.execute(() => this.counters.increment(key, ttl, limit, blockDuration, throttlerName));
      this.up();
      return counted;
    } catch (error) {
      throw new RateLimitsUnavailableError(`the rate limits' counters cannot be had: ${(error as Error).message}`, { cause: error });
    }
  }

  /** For /health: Redis answers a PING and the breaker lets requests through, or not (degraded), or the limits are off. */
  async status(): Promise<RateLimitsStatus> {
    if (!this.enabled) return { status: 'off' };
    const answers = await this.redis.ping().then(() => true, () => false);
    if (answers && this.breaker.state !== CircuitState.Open) return { status: 'ok' };
    return { status: 'degraded', message: `${this.outage ?? 'Redis does not answer'}; requests are served without rate limits` };
  }

  private down(reason: string): void {
    if (this.outage === null) log.warn({ reason }, 'rate limits degraded: requests are served without limits until Redis answers');
    this.outage ??= reason;
  }

  private up(): void {
    if (this.outage === null) return;
    log.info({ after: this.outage }, 'rate limits counted again: Redis answers');
    this.outage = null;
  }
}
