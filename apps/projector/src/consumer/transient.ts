import { ExponentialBackoff, fullJitterGenerator, handleWhen, retry, type RetryPolicy } from 'cockatiel';

// Connection loss, admin shutdown, serialization failure, deadlock, lock timeout, too many clients.
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03', '57P01', '57P02', '57P03', '53300', '08000', '08003', '08006', '08001']);
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

export const isTransientDatabaseError = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: string }).code;
  if (code && (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_NODE_CODES.has(code))) return true;
  return /Connection terminated|timeout exceeded when trying to connect/i.test(error.message);
};

/** Retries transient database failures with exponential backoff and full jitter. */
export const databaseRetryPolicy = (maxAttempts = 8): RetryPolicy =>
  retry(handleWhen(isTransientDatabaseError), {
    maxAttempts,
    backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 5_000, generator: fullJitterGenerator }),
  });
