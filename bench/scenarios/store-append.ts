import { randomUUID } from 'node:crypto';
import { config } from '../lib/config.js';
import { accountStreamId, CURRENT_SCHEMA_VERSION, type NewEvent } from '#events';
import type { ExpectedRevision } from '#eventsourcing';
import { PostgresEventStore } from '#infra/event-store/postgres/postgres-event-store';
import { createPool, type Pool } from '#infra/postgres/pool';
import type { Figure } from '../lib/report.js';
import { median, percentile, runWorkers, secondsSince } from '../lib/stats.js';
import { createRawEventsTable } from '../lib/database.js';

export interface BenchContext {
  readonly quick: boolean;
  readonly databaseUrl: string;
  readonly log: (line: string) => void;
}

const deposit = (accountId: string): NewEvent => ({
  eventId: randomUUID(),
  type: 'MoneyDeposited',
  schemaVersion: CURRENT_SCHEMA_VERSION.MoneyDeposited,
  occurredAt: new Date().toISOString(),
  data: { accountId, amount: 2500, currency: 'EUR', description: 'bench deposit', depositedAt: new Date().toISOString() },
  metadata: { correlationId: randomUUID(), causationId: null, actor: 'bench' },
});

/** Streams each worker owns in the "existing" case, so expected revisions are exact and never collide. */
const STREAMS_PER_WORKER = 4;

type Target = 'new' | 'existing';

interface Run {
  readonly perSecond: number;
  readonly latencies: number[];
}

/**
 * The event rows of one run: worker w's i-th append goes to a new stream, or to one of the
 * worker's existing streams at its next revision.
 */
const plan = (run: string, target: Target, concurrency: number, perWorker: number) =>
  Array.from({ length: concurrency }, (_, w) =>
    Array.from({ length: perWorker }, (_, i) => {
      const id = target === 'new' ? `${run}-${w}-${i}` : `${run}-${w}-${i % STREAMS_PER_WORKER}`;
      const revision = target === 'new' ? 0 : 1 + Math.floor(i / STREAMS_PER_WORKER);
      return { streamId: accountStreamId(id), revision, event: deposit(id) };
    }),
  );

const seedExisting = async (pool: Pool, table: 'events' | 'raw_events', run: string, concurrency: number): Promise<void> => {
  const ids = Array.from({ length: concurrency * STREAMS_PER_WORKER }, (_, n) => `${run}-${Math.floor(n / STREAMS_PER_WORKER)}-${n % STREAMS_PER_WORKER}`);
  if (table === 'events') {
    const store = new PostgresEventStore(pool, config.groupCommit);
    for (const id of ids) await store.append(accountStreamId(id), [deposit(id)], 'no_stream');
    return;
  }
  for (const id of ids) await insertRaw(pool, accountStreamId(id), 0, deposit(id));
};

/** One event row as one autocommitted single-row INSERT into `raw_events`. */
const insertRaw = (pool: Pool, streamId: string, revision: number, e: NewEvent): Promise<unknown> =>
  pool.query(
    `INSERT INTO raw_events (event_id, stream_id, stream_revision, type, schema_version, data, metadata, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [e.eventId, streamId, revision, e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata), e.occurredAt],
  );

const timed = async (concurrency: number, perWorker: number, job: (w: number, i: number) => Promise<void>): Promise<Run> => {
  const latencies: number[] = [];
  const start = process.hrtime.bigint();
  await runWorkers(concurrency, perWorker, async (w, i) => {
    const t = process.hrtime.bigint();
    await job(w, i);
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
  });
  return { perSecond: (concurrency * perWorker) / secondsSince(start), latencies };
};

/** Appends through the adapter (one event per append, each with its expected revision checked). */
const systemRun = async (url: string, target: Target, concurrency: number, perWorker: number): Promise<Run> => {
  const pool = createPool({ ...config, databaseUrl: url }, concurrency);
  const store = new PostgresEventStore(pool, config.groupCommit);
  try {
    const run = randomUUID().slice(0, 8);
    if (target === 'existing') await seedExisting(pool, 'events', run, concurrency);
    const work = plan(run, target, concurrency, perWorker);
    return await timed(concurrency, perWorker, async (w, i) => {
      const { streamId, revision, event } = work[w]![i]!;
      const expected: ExpectedRevision = revision === 0 ? 'no_stream' : revision - 1;
      await store.append(streamId, [event], expected);
    });
  } finally {
    await pool.end();
  }
};

/** The bound: the same rows, one autocommitted single-row INSERT each, straight through pg. */
export const rawInsertRun = async (url: string, target: Target, concurrency: number, perWorker: number): Promise<Run> => {
  const pool = createPool({ ...config, databaseUrl: url }, concurrency);
  try {
    const run = randomUUID().slice(0, 8);
    if (target === 'existing') await seedExisting(pool, 'raw_events', run, concurrency);
    const work = plan(run, target, concurrency, perWorker);
    return await timed(concurrency, perWorker, async (w, i) => {
      const { streamId, revision, event } = work[w]![i]!;
      await insertRaw(pool, streamId, revision, event);
    });
  } finally {
    await pool.end();
  }
};

/**
 * Scenario 1. Each case runs the baseline and the system in turn, `rounds` times, and reports
 * the median of each, so drift on the machine hits both alike.
 */
export const storeAppend = async (context: BenchContext, pool: Pool): Promise<Figure[]> => {
  await createRawEventsTable(pool);
  const figures: Figure[] = [];
  const appends = context.quick ? 4_000 : 24_000;
  const rounds = context.quick ? 1 : 3;
  for (const concurrency of [8, 32]) {
    for (const target of ['new', 'existing'] as const) {
      const perWorker = Math.ceil(appends / concurrency);
      const system: Run[] = [];
      const baseline: Run[] = [];
      for (let round = 0; round < rounds; round++) {
        baseline.push(await rawInsertRun(context.databaseUrl, target, concurrency, perWorker));
        system.push(await systemRun(context.databaseUrl, target, concurrency, perWorker));
      }
      const value = median(system.map((r) => r.perSecond));
      const base = median(baseline.map((r) => r.perSecond));
      const latencies = system.flatMap((r) => r.latencies);
      context.log(`store append, ${target} streams, concurrency ${concurrency}: ${Math.round(value)}/s vs raw INSERT ${Math.round(base)}/s`);
      figures.push({
        scenario: 'store append',
        case: `${target} streams, c=${concurrency}`,
        metric: 'appends/s',
        value,
        unit: '/s',
        baseline: { name: 'raw INSERT', value: base },
        target: { on: 'ratio', atLeast: concurrency === 32 ? 2.0 : 1.2 },
        details: {
          appends: perWorker * concurrency,
          rounds,
          systemRuns: system.map((r) => Math.round(r.perSecond)),
          baselineRuns: baseline.map((r) => Math.round(r.perSecond)),
          p50Ms: percentile(latencies, 50),
          p99Ms: percentile(latencies, 99),
        },
      });
    }
  }
  return figures;
};
