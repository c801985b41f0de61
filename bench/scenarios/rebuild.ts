import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { config } from '../lib/config.js';
import { createElasticsearch } from '#infra/elasticsearch/elasticsearch';
import type { Pool } from '#infra/postgres/pool';
import { PROJECTIONS } from '../../apps/projector/src/projections/registry.js';
import { createIndex, indexBehind } from '../../apps/projector/src/search/order-search.index.js';
import { settle, settleStoredLog } from '../lib/quiet.js';
import { rebuildWithCli } from '../lib/rebuild-cli.js';
import type { Figure } from '../lib/report.js';
import { secondsSince } from '../lib/stats.js';
import { generateEvents, storeGenerated } from '../lib/workload.js';
import type { BenchContext } from './store-append.js';

/** The read bound: every event, in log order, through a plain server-side cursor. */
const cursorRead = async (pool: Pool): Promise<number> => {
  const client = await pool.connect();
  try {
    const start = process.hrtime.bigint();
    await client.query('BEGIN');
    await client.query(
      `DECLARE events_cursor NO SCROLL CURSOR FOR
       SELECT global_position, transaction_id::text, event_id, stream_id, stream_revision, type, schema_version, data, metadata, occurred_at
       FROM events ORDER BY transaction_id, global_position`,
    );
    for (;;) {
      const page = await client.query('FETCH 2000 FROM events_cursor');
      if (!page.rowCount) break;
    }
    await client.query('COMMIT');
    return secondsSince(start);
  } finally {
    client.release();
  }
};

/** The write bound: the rebuilt tables' rows, already in memory, COPYed into empty tables of the same shape. */
const copyWrite = async (pool: Pool, tables: readonly string[]): Promise<number> => {
  const client = await pool.connect();
  try {
    let seconds = 0;
    for (const table of tables) {
      const chunks: Buffer[] = [];
      const out = client.query(copyTo(`COPY ${table} TO STDOUT`));
      for await (const chunk of out) chunks.push(chunk as Buffer);
      await client.query(`DROP TABLE IF EXISTS bench_copy_${table}; CREATE TABLE bench_copy_${table} (LIKE ${table} INCLUDING ALL)`);
      const start = process.hrtime.bigint();
      await pipeline(Readable.from(chunks), client.query(copyFrom(`COPY bench_copy_${table} FROM STDIN`)));
      seconds += secondsSince(start);
      await client.query(`DROP TABLE bench_copy_${table}`);
    }
    return seconds;
  } finally {
    client.release();
  }
};

/**
 * Scenario 5: `projections rebuild`, the built CLI in a process of its own as an operator runs it,
 * over a log of generated events, per projection. PostgreSQL read models: against a plain cursor
 * read of the events plus a COPY of the rows the rebuild produced (read + write bound), with a
 * target of 50,000 events/s. Order search: against a raw bulk load of the same final documents
 * with the same client. Memory: each rebuild's peak resident memory (its process's, not this one's).
 */
export const rebuild = async (context: BenchContext, pool: Pool): Promise<Figure[]> => {
  const count = context.quick ? 100_000 : 1_000_000;
  const generatedStart = process.hrtime.bigint();
  await storeGenerated(pool, generateEvents(count, 5));
  context.log(`${count} events stored in ${secondsSince(generatedStart).toFixed(1)} s (set-up)`);
  // Otherwise the first rebuilds pay for the log's hint bits (and autovacuum runs beside them).
  await settleStoredLog(pool);
  const figures: Figure[] = [];
  const peaks: { name: string; peakMb: number }[] = [];
  /** Seconds each rebuild of one read model took, for the one cut-over's baseline. */
  let separateSeconds = 0;
  const readSeconds = await cursorRead(pool);
  context.log(`cursor read: ${Math.round(count / readSeconds)} events/s`);

  for (const projection of PROJECTIONS) {
    await settle(pool);
    const result = await rebuildWithCli([projection.name]);
    const { seconds } = result;
    separateSeconds += seconds;
    peaks.push({ name: projection.name, peakMb: result.peakMb });
    await settle(pool);
    const copySeconds = await copyWrite(pool, projection.tables);
    const bound = count / (readSeconds + copySeconds);
    context.log(`${projection.name}: ${Math.round(count / seconds)} events/s (applied ${result.applied}); read + COPY bound ${Math.round(bound)} events/s`);
    figures.push({
      scenario: 'rebuild',
      case: `${projection.name}, ${count.toLocaleString('en-US')} events`,
      metric: 'events/s',
      value: count / seconds,
      unit: '/s',
      baseline: { name: 'cursor read + COPY', value: bound },
      target: { on: 'value', atLeast: 50_000 },
      details: { events: count, applied: result.applied, seconds, processSeconds: result.processSeconds, readBoundPerSecond: count / readSeconds, copyBoundPerSecond: count / copySeconds },
    });
  }

  const es = createElasticsearch(config.elasticsearchUrl, 60_000);
  try {
    const alias = config.orderSearchAlias;
    await settle(pool);
    const result = await rebuildWithCli(['order-search']);
    const { seconds } = result;
    separateSeconds += seconds;
    peaks.push({ name: 'order-search', peakMb: result.peakMb });
    const rebuilt = await indexBehind(es, alias);
    if (!rebuilt) throw new Error(`no index behind ${alias} after the rebuild`);
    // The baseline's documents: the rebuilt index's, read out before its clock starts.
    const docs: { id: string; source: unknown }[] = [];
    const first = await es.search({ index: rebuilt, scroll: '2m', size: 5_000, sort: ['_doc'] });
    let page = first;
    while (page.hits.hits.length) {
      for (const hit of page.hits.hits) docs.push({ id: hit._id!, source: hit._source });
      page = await es.scroll({ scroll_id: page._scroll_id!, scroll: '2m' });
    }
    await es.clearScroll({ scroll_id: page._scroll_id! }).catch(() => undefined);
    const raw = `${alias}-raw-bulk`;
    await es.indices.delete({ index: raw }, { ignore: [404] });
    await createIndex(es, raw);
    await settle(pool);
    const rawStart = process.hrtime.bigint();
    for (let i = 0; i < docs.length; i += 1_000) {
      const response = await es.bulk({ operations: docs.slice(i, i + 1_000).flatMap((d) => [{ index: { _index: raw, _id: d.id } }, d.source as object]) });
      if (response.errors) throw new Error('the raw bulk load had errors');
    }
    await es.indices.refresh({ index: raw });
    const rawSeconds = secondsSince(rawStart);
    await es.indices.delete({ index: raw });
    await es.indices.delete({ index: rebuilt });
    context.log(`order-search: ${Math.round(count / seconds)} events/s, ${docs.length} documents; raw bulk of them ${Math.round(count / rawSeconds)} events/s`);
    figures.push({
      scenario: 'rebuild',
      case: `order-search, ${count.toLocaleString('en-US')} events`,
      metric: 'events/s',
      value: count / seconds,
      unit: '/s',
      baseline: { name: 'raw bulk of the documents', value: count / rawSeconds },
      target: { on: 'ratio', atLeast: 0.8 },
      details: { events: count, documents: docs.length, seconds, processSeconds: result.processSeconds, rawSeconds, applied: result.applied },
    });

    // `projections rebuild --all`: one read of the log for every read model and one cut-over,
    // against the same read models rebuilt one after the other above.
    await settle(pool);
    const all = await rebuildWithCli(['--all']);
    const allSeconds = all.seconds;
    peaks.push({ name: 'all read models', peakMb: all.peakMb });
    const allIndex = await indexBehind(es, alias);
    if (allIndex) await es.indices.delete({ index: allIndex });
    context.log(`all read models, one cut-over: ${Math.round(count / allSeconds)} events/s; one after the other ${Math.round(count / separateSeconds)} events/s`);
    figures.push({
      scenario: 'rebuild',
      case: `all read models, one cut-over, ${count.toLocaleString('en-US')} events`,
      metric: 'events/s',
      value: count / allSeconds,
      unit: '/s',
      baseline: { name: 'the same rebuilt one at a time', value: count / separateSeconds },
      target: { on: 'ratio', atLeast: 1 },
      details: { events: count, seconds: allSeconds, processSeconds: all.processSeconds, separateSeconds, applied: all.applied },
    });
  } finally {
    await es.close();
  }
  // The highest of the rebuilds' peaks (events of every size, one order in fifty with 100 lines).
  const worst = peaks.reduce((a, b) => (b.peakMb > a.peakMb ? b : a));
  context.log(`peak RSS per rebuild: ${peaks.map((p) => `${p.name} ${Math.round(p.peakMb)} MB`).join(', ')}`);
  figures.push({
    scenario: 'rebuild',
    case: `peak memory (RSS), ${count.toLocaleString('en-US')} events`,
    metric: 'MB',
    value: worst.peakMb,
    unit: 'MB',
    target: { on: 'value', atMost: 512 },
    details: Object.fromEntries(peaks.map((p) => [p.name, Math.round(p.peakMb)])),
  });
  return figures;
};
