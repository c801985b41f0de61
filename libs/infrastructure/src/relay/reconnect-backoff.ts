import { ExponentialBackoff, fullJitterGenerator, type IBackoff } from 'cockatiel';

/**
 * How long a relay waits before reconnecting after PostgreSQL, EventStoreDB or Kafka failed:
 * exponential from 0.25 s up to 15 s with full jitter (cockatiel), so relays that lost the same
 * server do not come back in step; `reset` after a session that made progress.
 */
export class ReconnectBackoff {
  private readonly factory = new ExponentialBackoff({ initialDelay: 250, maxDelay: 15_000, generator: fullJitterGenerator });
  private current: IBackoff<unknown> | undefined;

  next(): number {
    this.current = this.current ? this.current.next(undefined) : this.factory.next();
    return this.current.duration;
  }

  reset(): void {
    this.current = undefined;
  }
}
