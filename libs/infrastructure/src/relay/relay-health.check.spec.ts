import type { EventRelay } from './relay.js';
import { relayHealthCheck } from './relay-health.check.js';
import type { RelayLag, RelayStatus } from './relay-status.js';

const NOW = Date.parse('2026-01-01T12:00:00.000Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString();
const status = (over: Partial<RelayStatus> = {}): RelayStatus => ({
  state: 'active', since: ago(60_000), published: 10, deadLettered: 0, lastPublishedAt: ago(1_000), lastError: null, ...over,
});
const relay = (s: RelayStatus, lag: RelayLag | null | Error): EventRelay => ({
  status: s,
  lag: () => (lag instanceof Error ? Promise.reject(lag) : Promise.resolve(lag)),
  start: () => undefined,
  stop: () => Promise.resolve(),
});
const check = (r: EventRelay, enabled = true) => relayHealthCheck(r, { enabled, stallTimeoutMs: 30_000, now: () => NOW }).run();
const waiting = (ageMs: number, checkpointAgeMs: number | null): RelayLag => ({ unpublished: 7, oldestUnpublishedAgeMs: ageMs, checkpointAgeMs });

describe('relay health check', () => {
  it('is healthy and shows state and lag when the relay is caught up', async () => {
    const lag = { unpublished: 0, oldestUnpublishedAgeMs: null, checkpointAgeMs: 120_000 };
    await expect(check(relay(status(), lag))).resolves.toEqual({ healthy: true, detail: { enabled: true, ...status(), lag } });
  });

  it('is healthy while events wait for less than the bound, or while the checkpoint moves', async () => {
    expect((await check(relay(status(), waiting(5_000, 120_000)))).healthy).toBe(true);
    expect((await check(relay(status(), waiting(300_000, 2_000)))).healthy).toBe(true);
  });

  it('fails when events have waited longer than the bound and nothing was published for as long', async () => {
    const result = await check(relay(status({ state: 'retrying', lastError: { message: 'Connection error', at: ago(10) } }), waiting(31_000, 45_000)));
    expect(result).toMatchObject({ healthy: false, detail: { state: 'retrying', stalled: true, lag: { unpublished: 7 } } });
    expect((await check(relay(status(), waiting(31_000, null)))).healthy).toBe(false);
  });

  it('when the lag cannot be measured, fails only after retrying for longer than the bound', async () => {
    expect((await check(relay(status({ state: 'retrying', since: ago(5_000) }), new Error('db down')))).healthy).toBe(true);
    const result = await check(relay(status({ state: 'retrying', since: ago(40_000) }), null));
    expect(result).toMatchObject({ healthy: false, detail: { lag: null, stalled: true } });
  });

  it('is healthy when the relay is disabled in this process, and still reports it', async () => {
    const result = await check(relay(status({ state: 'stopped' }), waiting(300_000, 300_000)), false);
    expect(result).toMatchObject({ healthy: true, detail: { enabled: false, state: 'stopped', lag: { unpublished: 7 } } });
  });
});
