import { ExponentialBackoff, fullJitterGenerator, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import { isTransientDatabaseError } from '#infra/postgres/transient';

/** Retries transient database failures with exponential backoff and full jitter. */
export const databaseRetryPolicy = (maxAttempts = 8): RetryPolicy =>
  retry(handleWhen(isTransientDatabaseError), {
    maxAttempts,
    backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 5_000, generator: fullJitterGenerator }),
  });
