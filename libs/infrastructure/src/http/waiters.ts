/** Refused because too many requests are waiting already: answered 503 with Retry-After. */
export class TooManyWaitersError extends Error {
  override name = 'TooManyWaitersError';
}

/**
 * Requests waiting for something keyed (an Idempotency-Key to be answered, a stream to be
 * projected): woken all at once by `wake(key)`, or by their own timeout, and capped in number.
 */
export class Waiters {
  private readonly byKey = new Map<string, Set<() => void>>();
  private count = 0;

  constructor(private readonly max: number) {}

  get waiting(): number {
    return this.count;
  }

  /** Resolves on `wake(key)` or after `timeoutMs`, whichever comes first. */
  wait(key: string, timeoutMs: number): Promise<void> {
    if (this.count >= this.max) return Promise.reject(new TooManyWaitersError(`${this.count} requests are waiting already`));
    return new Promise((resolve) => {
      const set = this.byKey.get(key) ?? new Set();
      this.byKey.set(key, set);
      this.count++;
      const done = (): void => {
        clearTimeout(timer);
        if (!set.delete(done)) return;
        this.count--;
        if (!set.size) this.byKey.delete(key);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      set.add(done);
    });
  }

  wake(key: string): void {
    for (const done of [...(this.byKey.get(key) ?? [])]) done();
  }
}
