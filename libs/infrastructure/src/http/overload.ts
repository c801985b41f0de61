import type { ErrorMapper } from './error-body.js';
import { TooManyWaitersError } from './waiters.js';

/** Seconds a refused client is asked to wait before trying again. */
export const RETRY_AFTER_SECONDS = 1;

/** Work refused because the process is at its bound: 503, and the filter adds Retry-After. */
export const fromOverload: ErrorMapper = (error) =>
  error instanceof TooManyWaitersError ? { statusCode: 503, error: 'overloaded', message: `${error.message}; retry shortly` } : null;
