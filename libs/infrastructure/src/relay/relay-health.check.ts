import type { HealthCheck, HealthCheckResult } from '../http/health.check.js';
import type { EventRelay } from './relay.js';
import type { RelayLag, RelayStatus } from './relay-status.js';

export interface RelayHealthOptions {
  /** Whether this process runs the relay (RELAY_ENABLED). */
  readonly enabled: boolean;
  /** RELAY_STALL_TIMEOUT_MS */
  readonly stallTimeoutMs: number;
  readonly now?: () => number;
}

/**
 * Events wait and nothing has been published for longer than the bound. The lag comes from the
 * shared checkpoint, so a standby sees a stuck leader too; without a lag, a relay retrying that long.
 */
const isStalled = (status: RelayStatus, lag: RelayLag | null, bound: number, now: number): boolean =>
  lag
    ? lag.unpublished > 0 && (lag.oldestUnpublishedAgeMs ?? 0) > bound && (lag.checkpointAgeMs ?? Infinity) > bound
    : status.state === 'retrying' && now - Date.parse(status.since) > bound;

/** Shows the relay's state and lag; fails (readiness) when an enabled relay has stalled. */
export const relayHealthCheck = (relay: EventRelay, options: RelayHealthOptions): HealthCheck => ({
  name: 'relay',
  run: async (): Promise<HealthCheckResult> => {
    const status = relay.status;
    const lag = await relay.lag().catch(() => null);
    const stalled = options.enabled && isStalled(status, lag, options.stallTimeoutMs, (options.now ?? Date.now)());
    return { healthy: !stalled, detail: { enabled: options.enabled, ...status, lag, ...(stalled ? { stalled: true } : {}) } };
  },
});
