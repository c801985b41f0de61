import type { Pool } from '#infra/postgres/pool';
import { countParked } from '../projections/parked-streams.js';
import type { Projection } from '../projections/projection.js';

/** Counts the streams parked by the PostgreSQL projections this process runs, for /health and /metrics. */
export class ParkedStreamsMonitor {
  constructor(
    private readonly pool: Pool,
    private readonly projections: readonly Projection[],
  ) {}

  count(): Promise<Record<string, number>> {
    return countParked(this.pool, this.projections);
  }
}
