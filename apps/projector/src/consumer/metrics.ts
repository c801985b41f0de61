import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const counter = (name: string, help: string): Counter<'projection'> =>
  new Counter({ name, help, labelNames: ['projection'], registers: [registry] });

export const projectionMetrics = {
  applied: counter('projection_events_applied_total', 'Events applied to a read model'),
  skipped: counter('projection_events_skipped_total', 'Events skipped because their revision was already applied'),
  deadLettered: counter('projection_events_dead_lettered_total', 'Events sent to a dead-letter topic'),
  parked: counter('projection_events_parked_total', 'Events kept waiting behind a gap in their stream'),
};
