import { Gauge } from 'prom-client';
import type { Pool } from '#infra/postgres/pool';
import { countParked } from '../projections/parked-streams.js';
import type { Projection } from '../projections/projection.js';
import { registry } from './metrics.js';

const gauge = new Gauge({ name: 'projection_parked_streams', help: 'Streams a projection holds at a gap in their revisions', labelNames: ['projection'], registers: [registry] });

/** Counts the streams parked by the PostgreSQL projections this process runs, for /health and /metrics. */
export class ParkedStreamsMonitor {
  constructor(
    private readonly pool: Pool,
    private readonly projections: readonly Projection[],
  ) {}

  async count(): Promise<Record<string, number>> {
    const counts = await countParked(this.pool, this.projections);
    for (const [projection, n] of Object.entries(counts)) gauge.set({ projection }, n);
    return counts;
  }
}
