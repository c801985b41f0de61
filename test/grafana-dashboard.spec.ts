import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { metricsRegistry } from '#infra/metrics/metrics.registry';
// Every module that registers a family on the shared registry.
import '#infra/metrics/http.metrics';
import '#infra/metrics/relay.metrics';
import '#infra/metrics/write.metrics';
import '../apps/projector/src/consumer/metrics.js';
import '../apps/projector/src/consumer/projector.metrics.js';
import '../apps/projector/src/saga/payment-saga.metrics.js';
import '../apps/query-api/src/consistency/consistency.metrics.js';
import '../apps/query-api/src/search/order-search.metrics.js';

interface Panel {
  readonly type: string;
  readonly title: string;
  readonly targets?: readonly { readonly expr: string }[];
}
const file = fileURLToPath(new URL('../docker/grafana/ledger-dashboard.json', import.meta.url));
const dashboard = JSON.parse(readFileSync(file, 'utf8')) as { panels: Panel[]; templating: { list: { query: unknown }[] } };

/** The series names a PromQL expression reads: identifiers that are not functions, keywords, label names or values. */
const metricNamesIn = (expr: string): string[] => {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // label values
    .replace(/\{[^}]*\}/g, ' ') // matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // grouping labels
  const identifiers = stripped.match(/[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s*\(?)/g) ?? [];
  const functions = new Set([...stripped.matchAll(/([a-zA-Z_]+)\s*\(/g)].map((m) => m[1]));
  const keywords = new Set(['and', 'or', 'unless', 'offset', 'bool', 'Inf', 'NaN']);
  return identifiers.filter((id) => !functions.has(id) && !keywords.has(id));
};

/** Every series name the apps can serve: each family, with a histogram's `_bucket`, `_sum` and `_count`. */
const served = async (): Promise<Set<string>> => {
  const families = await metricsRegistry.getMetricsAsJSON();
  // `type` is a string at run time, an enum in prom-client's types.
  return new Set(families.flatMap((f) => (String(f.type) === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => f.name + s) : [f.name])));
};

describe('docker/grafana/ledger-dashboard.json', () => {
  const queries = [
    ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr }))),
    ...dashboard.templating.list.flatMap((v) => (typeof v.query === 'object' && v.query && 'query' in v.query ? [{ where: 'variable', expr: String(v.query.query).replace(/^label_values\(([^,]+),.*$/, '$1') }] : [])),
  ];

  it('reads out the metric names of a query', () => {
    expect(metricNamesIn('histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{app=~"$app", x="a b"}[$__rate_interval])))')).toEqual(['http_request_duration_seconds_bucket']);
    expect(metricNamesIn('max by (state) (order_search_circuit_state) == 1')).toEqual(['order_search_circuit_state']);
    expect(metricNamesIn('sum(rate(orders_lost_total[5m])) / sum(payment_sagas)')).toEqual(['orders_lost_total', 'payment_sagas']);
  });

  it('queries only metrics the apps serve, in every panel', async () => {
    const names = await served();
    const unknown = queries.flatMap((q) => metricNamesIn(q.expr).filter((n) => !names.has(n)).map((n) => `${q.where}: ${n}`));
    expect(queries.length).toBeGreaterThan(15);
    expect(unknown).toEqual([]);
  });

  it('has the panels operators look at first', () => {
    const read = new Set(queries.flatMap((q) => metricNamesIn(q.expr)));
    for (const name of ['http_request_duration_seconds_count', 'http_request_duration_seconds_bucket', 'event_store_append_duration_seconds_bucket', 'relay_unpublished_events',
      'relay_oldest_unpublished_age_seconds', 'projection_lag_events', 'projection_lag_seconds', 'projection_events_dead_lettered_total', 'payment_sagas']) {
      expect(read).toContain(name);
    }
  });
});
