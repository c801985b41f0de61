import { CircuitState } from 'cockatiel';
import { Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from '#infra/metrics/metrics.registry';

export const searchDuration = new Histogram({
  name: 'order_search_duration_seconds',
  help: 'Order searches, by outcome: ok, refused (bulkhead full or circuit open), timeout, failed (Elasticsearch failed or refused it)',
  labelNames: ['outcome'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

const STATES: readonly (readonly [CircuitState, string])[] = [
  [CircuitState.Closed, 'closed'],
  [CircuitState.Open, 'open'],
  [CircuitState.HalfOpen, 'half_open'],
  [CircuitState.Isolated, 'isolated'],
];

let breakerState: (() => CircuitState) | null = null;

/** The circuit breaker in front of Elasticsearch whose state the gauge shows. */
export const watchSearchBreaker = (state: () => CircuitState): void => {
  breakerState = state;
};

const breaker: Gauge<'state'> = new Gauge({
  name: 'order_search_circuit_state',
  help: "The search circuit breaker's state: 1 for the current one of closed, open, half_open, isolated; 0 for the others",
  labelNames: ['state'],
  registers: [metricsRegistry],
  collect: () => {
    breaker.reset();
    if (!breakerState) return;
    const now = breakerState();
    for (const [state, name] of STATES) breaker.set({ state: name }, state === now ? 1 : 0);
  },
});
