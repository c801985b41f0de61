import type { MetricSample } from '#infra/metrics/prometheus-text';

export type AppName = 'command-api' | 'query-api' | 'projector';
export const APP_NAMES: readonly AppName[] = ['command-api', 'query-api', 'projector'];

/** One app's `/metrics` as read at one moment: its samples, or why there are none. */
export type Scrape = { readonly app: AppName; readonly url: string } & ({ readonly samples: readonly MetricSample[] } | { readonly error: string });

export interface ProjectionStatus {
  readonly projection: string;
  /** null when the figure was left out of the scrape (Kafka or the database did not answer in time). */
  readonly lagEvents: number | null;
  readonly lagSeconds: number | null;
  readonly applied: number;
  readonly deadLettered: number;
  /** null for a projection that parks nothing (order search, the saga), or when the figure was left out. */
  readonly parked: number | null;
}

/** The figures an operator looks at first; a section is null when the app that serves it does not answer. */
export interface SystemStatus {
  readonly at: string;
  readonly apps: readonly { readonly app: AppName; readonly url: string; readonly up: boolean; readonly error?: string }[];
  readonly projections: readonly ProjectionStatus[] | null;
  readonly relay: { readonly unpublished: number | null; readonly oldestAgeSeconds: number | null; readonly deadLettered: number } | null;
  readonly sagas: { readonly byState: Readonly<Record<string, number>>; readonly awaitingPayment: number; readonly overdue: number | null } | null;
  readonly breakers: readonly { readonly app: AppName; readonly breaker: string; readonly state: string | null }[] | null;
}

const finite = (value: number | undefined): number | null => (value === undefined || !Number.isFinite(value) ? null : value);

const samplesOf = (scrapes: readonly Scrape[], app: AppName): readonly MetricSample[] | null => {
  const scrape = scrapes.find((s) => s.app === app);
  return scrape && 'samples' in scrape ? scrape.samples : null;
};

const named = (samples: readonly MetricSample[], name: string): MetricSample[] => samples.filter((s) => s.name === name);
const single = (samples: readonly MetricSample[], name: string): number | null => finite(named(samples, name)[0]?.value);
const byLabel = (samples: readonly MetricSample[], name: string, label: string): Map<string, number> =>
  new Map(named(samples, name).flatMap((s) => (s.labels[label] === undefined ? [] : [[s.labels[label], s.value] as const])));

const projectionsOf = (samples: readonly MetricSample[]): ProjectionStatus[] => {
  const lagEvents = byLabel(samples, 'projection_lag_events', 'projection');
  const lagSeconds = byLabel(samples, 'projection_lag_seconds', 'projection');
  const applied = byLabel(samples, 'projection_events_applied_total', 'projection');
  const deadLettered = byLabel(samples, 'projection_events_dead_lettered_total', 'projection');
  const parked = byLabel(samples, 'projection_parked_streams', 'projection');
  const names = [...new Set([...lagEvents.keys(), ...lagSeconds.keys(), ...applied.keys(), ...parked.keys()])].sort();
  return names.map((projection) => ({
    projection,
    lagEvents: finite(lagEvents.get(projection)),
    lagSeconds: finite(lagSeconds.get(projection)),
    applied: applied.get(projection) ?? 0,
    deadLettered: deadLettered.get(projection) ?? 0,
    parked: finite(parked.get(projection)),
  }));
};

/** The status the three scrapes show. */
export const summarize = (scrapes: readonly Scrape[], at: Date): SystemStatus => {
  const projector = samplesOf(scrapes, 'projector');
  const commandApi = samplesOf(scrapes, 'command-api');
  const queryApi = samplesOf(scrapes, 'query-api');
  const sagaStates = projector ? Object.fromEntries(byLabel(projector, 'payment_sagas', 'state')) : {};
  return {
    at: at.toISOString(),
    apps: scrapes.map((s) => ({ app: s.app, url: s.url, up: 'samples' in s, ...('error' in s ? { error: s.error } : {}) })),
    projections: projector && projectionsOf(projector),
    relay: commandApi && {
      unpublished: single(commandApi, 'relay_unpublished_events'),
      oldestAgeSeconds: single(commandApi, 'relay_oldest_unpublished_age_seconds'),
      deadLettered: named(commandApi, 'relay_events_total').find((s) => s.labels['outcome'] === 'dead_lettered')?.value ?? 0,
    },
    sagas: projector && { byState: sagaStates, awaitingPayment: sagaStates['awaiting_payment'] ?? 0, overdue: single(projector, 'payment_sagas_overdue') },
    breakers: queryApi && [{ app: 'query-api', breaker: 'order-search', state: named(queryApi, 'order_search_circuit_state').find((s) => s.value === 1)?.labels['state'] ?? null }],
  };
};
