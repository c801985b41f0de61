import { relayEvents } from '../metrics/relay.metrics.js';

/** `starting`: not yet leading, standing by or failing; `active`: publishing or caught up. */
export type RelayState = 'starting' | 'active' | 'retrying' | 'standby' | 'stopped';

/** What a relay is doing, as /health shows it. Times are ISO strings. */
export interface RelayStatus {
  readonly state: RelayState;
  /** When it entered this state. */
  readonly since: string;
  /** Events published by this process since it started. */
  readonly published: number;
  /** Events too large for Kafka, sent to their dead-letter topic instead. */
  readonly deadLettered: number;
  readonly lastPublishedAt: string | null;
  readonly lastError: { readonly message: string; readonly at: string } | null;
}

/** How far Kafka is behind the store, measured in events (no gaps), not in positions. */
export interface RelayLag {
  /** Committed events after the relay's checkpoint. */
  readonly unpublished: number;
  /** Age of the oldest of them (by its `occurredAt`), or null when there is none. */
  readonly oldestUnpublishedAgeMs: number | null;
  /** Since the checkpoint last moved, or null when there is no checkpoint yet. */
  readonly checkpointAgeMs: number | null;
}

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/** Keeps a relay's status: `since` moves only when the state changes. */
export class RelayStatusTracker {
  private current: RelayStatus = { state: 'stopped', since: new Date().toISOString(), published: 0, deadLettered: 0, lastPublishedAt: null, lastError: null };

  get status(): RelayStatus {
    return this.current;
  }

  get state(): RelayState {
    return this.current.state;
  }

  private enter(state: RelayState, change: Partial<RelayStatus> = {}): void {
    const since = state === this.current.state ? this.current.since : new Date().toISOString();
    this.current = { ...this.current, ...change, state, since };
  }

  /** Publishing or caught up. */
  active(): void {
    this.enter('active');
  }

  starting(): void {
    this.enter('starting');
  }

  standby(): void {
    this.enter('standby');
  }

  stopped(): void {
    this.enter('stopped');
  }

  retrying(error: unknown): void {
    this.enter('retrying', { lastError: { message: errorMessage(error), at: new Date().toISOString() } });
  }

  published(count: number, deadLettered = 0): void {
    relayEvents.inc({ outcome: 'published' }, count);
    if (deadLettered) relayEvents.inc({ outcome: 'dead_lettered' }, deadLettered);
    const { published, deadLettered: before } = this.current;
    this.enter('active', { published: published + count, deadLettered: before + deadLettered, lastPublishedAt: new Date().toISOString() });
  }
}
