import { ExponentialBackoff, fullJitterGenerator, handleAll, retry, type RetryPolicy } from 'cockatiel';

/**
 * Retries anything, for as long as the process runs (or until the signal passed to `execute`
 * aborts), with exponential backoff and full jitter from 0.5 s up to 30 s. Its timer does not keep
 * a stopping process alive.
 */
export const keepTryingPolicy = (): RetryPolicy =>
  retry(handleAll, {
    maxAttempts: Number.MAX_SAFE_INTEGER,
    backoff: new ExponentialBackoff({ initialDelay: 500, maxDelay: 30_000, generator: fullJitterGenerator }),
  }).dangerouslyUnref();

/** Resolves when the signal aborts. */
export const aborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
