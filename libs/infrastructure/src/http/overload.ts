import type { ErrorMapper } from './error-body.js';
import { isTransientDatabaseError } from '../postgres/transient.js';
import { TooManyWaitersError } from './waiters.js';

/** Seconds a refused client is asked to wait before trying again. */
export const RETRY_AFTER_SECONDS = 1;

/** Work refused because the process is at its bound: 503, and the filter adds Retry-After. */
export const fromOverload: ErrorMapper = (error) =>
  error instanceof TooManyWaitersError ? { statusCode: 503, error: 'overloaded', message: `${error.message}; retry shortly` } : null;

/** PostgreSQL gone for a moment (a restart, a failover, connections cut): 503, come back shortly. */
export const fromUnavailableDatabase: ErrorMapper = (error) =>
  isTransientDatabaseError(error)
    ? { statusCode: 503, error: 'database_unavailable', message: 'PostgreSQL is not available right now; retry shortly (a command: with the same Idempotency-Key)' }
    : null;
