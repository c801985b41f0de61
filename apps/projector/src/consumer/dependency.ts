import type { HealthCheck } from '#infra/http/health.check';
import { createLogger } from '#infra/logging/logger';
import { errorMessage, keepTryingPolicy } from './keep-trying.js';

const log = createLogger('projector');

/**
 * Something the consumers need before they start (Kafka and its topics, the search index): set
 * up with jittered backoff until it works or the projector stops, and shown on /health meanwhile.
 */
export class Dependency {
  private ready = false;
  private attempts = 0;
  private lastError: string | undefined;

  constructor(readonly name: string) {}

  /** True once `setUp` succeeded; false when the signal aborted first. */
  async keepTrying(setUp: () => Promise<void>, signal: AbortSignal): Promise<boolean> {
    const policy = keepTryingPolicy();
    policy.onRetry((result) => {
      this.attempts++;
      this.lastError = 'error' in result ? errorMessage(result.error) : 'failed';
      log.warn({ dependency: this.name, attempts: this.attempts, delay: result.delay, err: this.lastError }, `${this.name} not reachable; retrying`);
    });
    try {
      await policy.execute(async ({ signal: aborting }) => {
        if (aborting.aborted) throw new Error('stopped');
        await setUp();
      }, signal);
      this.ready = true;
      if (this.attempts) log.info({ dependency: this.name, attempts: this.attempts }, `${this.name} reachable`);
      return true;
    } catch {
      return false;
    }
  }

  get check(): HealthCheck {
    return {
      name: this.name,
      run: () =>
        Promise.resolve(
          this.ready
            ? { healthy: true }
            : { healthy: false, detail: { reachable: false, attempts: this.attempts, ...(this.lastError ? { error: this.lastError } : {}) } },
        ),
    };
  }
}
