import { parsePrometheusText } from '#infra/metrics/prometheus-text';
import { renderStatus } from './status-screen.js';
import { summarize, type Scrape } from './system-status.js';

const projector = `
projection_lag_events{projection="order-history",app="projector"} 7
projection_lag_seconds{projection="order-history",app="projector"} 1.5
projection_events_applied_total{projection="order-history",app="projector"} 120
projection_events_dead_lettered_total{projection="order-history",app="projector"} 1
projection_parked_streams{projection="order-history",app="projector"} 0
payment_sagas{state="awaiting_payment",app="projector"} 3
payment_sagas{state="completed",app="projector"} 40
payment_sagas_overdue{app="projector"} NaN
`;
const commandApi = `
relay_unpublished_events{app="command-api"} 12
relay_oldest_unpublished_age_seconds{app="command-api"} 0.4
`;

describe('summarize', () => {
  const scrapes: Scrape[] = [
    { app: 'command-api', url: 'http://c/metrics', samples: parsePrometheusText(commandApi) },
    { app: 'query-api', url: 'http://q/metrics', error: 'ECONNREFUSED' },
    { app: 'projector', url: 'http://p/metrics', samples: parsePrometheusText(projector) },
  ];
  const status = summarize(scrapes, new Date('2026-01-01T00:00:00Z'));

  it('takes each section from the app that serves it, and marks figures left out of a scrape unknown', () => {
    expect(status.projections).toEqual([{ projection: 'order-history', lagEvents: 7, lagSeconds: 1.5, applied: 120, deadLettered: 1, parked: 0 }]);
    expect(status.relay).toEqual({ unpublished: 12, oldestAgeSeconds: 0.4, deadLettered: 0 });
    expect(status.sagas).toEqual({ byState: { awaiting_payment: 3, completed: 40 }, awaitingPayment: 3, overdue: null });
  });

  it('says which app does not answer instead of failing', () => {
    expect(status.breakers).toBeNull();
    expect(status.apps.find((a) => a.app === 'query-api')).toMatchObject({ up: false, error: 'ECONNREFUSED' });
    expect(renderStatus(status)).toContain('query-api does not answer at http://q/metrics (ECONNREFUSED)');
  });

  it('reads the open state of a breaker', () => {
    const query = parsePrometheusText('order_search_circuit_state{state="closed"} 0\norder_search_circuit_state{state="open"} 1');
    expect(summarize([{ app: 'query-api', url: 'q', samples: query }], new Date()).breakers).toEqual([{ app: 'query-api', breaker: 'order-search', state: 'open' }]);
  });
});
