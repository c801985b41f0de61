import type { EventEnvelope, KnownEvent } from '#events';
import type { PoolClient } from '#infra/postgres/pool';

export { qualified } from '#infra/read-models/read-model.table';

export type ProjectionName = 'order-history' | 'account-statement';

/** An event the projection cannot apply (e.g. it refers to a row that was never created). */
export class ProjectionError extends Error {
  override name = 'ProjectionError';
}

export interface ApplyOutcome {
  readonly applied: number;
  readonly skipped: number;
  /** Events kept waiting behind a gap in their stream's revisions (see revision-order.ts). */
  readonly parked?: number;
  /** Events that cannot be applied, with why; the caller dead-letters them. */
  readonly rejected: readonly { readonly event: EventEnvelope<KnownEvent>; readonly error: ProjectionError }[];
}

/** No event applied, skipped or rejected. */
export const NO_OUTCOME: ApplyOutcome = { applied: 0, skipped: 0, rejected: [] };

/** Two outcomes as one. */
export const addOutcomes = (a: ApplyOutcome, b: ApplyOutcome): ApplyOutcome => ({
  applied: a.applied + b.applied,
  skipped: a.skipped + b.skipped,
  rejected: [...a.rejected, ...b.rejected],
});

/**
 * A read model: pure `evolve` per table row plus a batch write. `apply` runs inside the caller's
 * transaction, skips events whose stream revision was already applied (so at-least-once delivery
 * is exactly-once in effect) and applies a stream's events only in revision order: after a gap
 * it parks the stream, keeping what follows until the missing revision comes.
 */
export interface Projection {
  readonly name: ProjectionName;
  /** Stream categories (and so Kafka topics) it reads. */
  readonly categories: readonly string[];
  /** Its tables, in a stable order (checksums and schema swaps use it). */
  readonly tables: readonly string[];
  /** Name of the id column of each table, for checksums restricted to some streams. */
  readonly idColumn: string;
  /** Its parked streams, next to its tables (a rebuild builds and swaps it with them). */
  readonly parkedTable: string;
  /** Its tables and its parked-streams table. */
  createTables(schema: string): string;
  apply(client: PoolClient, schema: string, events: readonly EventEnvelope<KnownEvent>[]): Promise<ApplyOutcome>;
  /**
   * What a rebuild fills `schema` with, from the start of the log, as its only writer: it applies
   * as `apply` does but may hold rows in memory and write them later, at the latest at `flush()`.
   * `heldWeight`: the most it holds (see `HeldRows`).
   */
  builder(client: PoolClient, schema: string, heldWeight?: number): ProjectionBuilder;
}

/** A projection's writer while a rebuild fills its tables: its pages in log order, then `flush()`. */
export interface ProjectionBuilder {
  apply(events: readonly EventEnvelope<KnownEvent>[]): Promise<ApplyOutcome>;
  /** Writes what it still holds; the tables are complete after it. */
  flush(): Promise<void>;
}
