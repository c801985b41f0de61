import { randomUUID } from 'node:crypto';
import { Pool as UndiciPool } from 'undici';
import { accountStreamId } from '#events';
import { AppProcess, baseUrl, type AppName, type Ports } from '../../test/support/apps.js';
import type { Pool } from '#infra/postgres/pool';
import { createRawEventsTable } from '../lib/database.js';
import { deleteTopics } from '../lib/kafka.js';
import { describeStep, heldStep, ladderStep, post, type LadderStep, type StepResult } from '../lib/load.js';
import type { Figure } from '../lib/report.js';
import { zipkinEndpoint } from '../lib/config.js';
import { percentile, sleep } from '../lib/stats.js';
import { storeGenerated, type GeneratedEvent } from '../lib/workload.js';
import { rawInsertRun, type BenchContext } from './store-append.js';
import { bearer, subjectOf } from '../../test/support/tokens.js';

const PORTS: Ports = { 'command-api': 3200, 'query-api': 3201, projector: 3202 };
const CONNECTIONS = 32;
/** End to end: seconds of load before the probes are counted. */
const WARM_UP_SECONDS = 5;
const DEPOSIT = JSON.stringify({ amount: 100, currency: 'EUR', description: 'bench' });

/** Opens `count` accounts of alice's straight in the store (set-up, not measured); returns their ids. */
const openAccounts = async (pool: Pool, count: number): Promise<string[]> => {
  const ownerId = await subjectOf('alice');
  const ids = Array.from({ length: count }, () => randomUUID());
  const events = ids.map(
    (id): GeneratedEvent => ({
      eventId: randomUUID(),
      streamId: accountStreamId(id),
      revision: 0,
      type: 'AccountOpened',
      data: { accountId: id, ownerName: 'Bench', currency: 'EUR', openedAt: new Date().toISOString(), ownerId },
      occurredAt: new Date().toISOString(),
    }),
  );
  await storeGenerated(pool, events);
  return ids;
};

/**
 * One caller drives thousands of requests a second here: its rate limits are set far above that,
 * so they are counted (their cost is in the figures) but never refuse.
 */
const UNLIMITED = { RATE_LIMIT_COMMANDS: '100000000', RATE_LIMIT_READS: '100000000', RATE_LIMIT_CONSISTENCY_WAITS: '100000000', RATE_LIMIT_SEARCHES: '100000000' };
const app = (name: AppName, env: Record<string, string>): AppProcess => new AppProcess(name, { ...UNLIMITED, ...env }, PORTS, 'bench');

/**
 * Scenario 2: POST deposits over HTTP at increasing fixed rates to many accounts. The figure is
 * the highest rate held with p99 under 50 ms (and every request answered 201); the baseline is
 * the same number of single-row INSERTs of such event rows, 32 at a time, through pg with no app.
 * The relay is off here (it is measured by its own scenario and by the end-to-end one).
 */
export const httpAppend = async (context: BenchContext, pool: Pool): Promise<Figure[]> => {
  const accounts = await openAccounts(pool, 2_000);
  const seconds = context.quick ? 5 : 20;
  const rates = context.quick ? [400, 800, 1200, 1600] : [250, 500, 750, 1000, 1250, 1500, 2000, 2500, 3000, 3500, 4000, 5000, 6000, 7500, 9000];
  const commandApi = app('command-api', { RELAY_ENABLED: 'false' });
  await commandApi.start();
  const steps: LadderStep[] = [];
  let unthrottled: StepResult;
  try {
    const path = (): string => `/accounts/${accounts[Math.floor(Math.random() * accounts.length)]}/deposits`;
    const url = baseUrl('command-api', PORTS);
    // Warm-up (JIT, pools), so the first step measures the app and not its start.
    // Every deposit is alice's, with her token from the local Keycloak (fetched again as it ages).
    await post(url, path, DEPOSIT, { rate: rates[0]!, seconds: context.quick ? 4 : 10, connections: CONNECTIONS, headers: await bearer('alice') });
    for (const rate of rates) {
      const step = await ladderStep(context.databaseUrl, url, path, DEPOSIT, { rate, seconds, connections: CONNECTIONS, headers: await bearer('alice') });
      steps.push(step);
      context.log(describeStep(step));
      if (!heldStep(step)) break;
    }
    unthrottled = await post(url, path, DEPOSIT, { rate: null, seconds, connections: CONNECTIONS, headers: await bearer('alice') });
    context.log(describeStep(unthrottled));
  } finally {
    await commandApi.stop();
  }
  await createRawEventsTable(pool);
  const appends = Math.round(unthrottled.ok);
  const baseline = await rawInsertRun(context.databaseUrl, 'existing', CONNECTIONS, Math.ceil(appends / CONNECTIONS));
  context.log(`raw INSERT at concurrency ${CONNECTIONS}: ${Math.round(baseline.perSecond)}/s`);
  const held = steps.filter(heldStep).at(-1);
  const base = { name: `raw INSERT c=${CONNECTIONS}`, value: baseline.perSecond };
  return [
    {
      scenario: 'http append',
      case: `deposits, ${accounts.length} accounts, ${CONNECTIONS} connections`,
      metric: 'highest rate held, p99 < 50 ms',
      value: held?.perSecond ?? 0,
      unit: '/s',
      baseline: base,
      target: { on: 'ratio', atLeast: 0.6 },
      details: { steps, secondsPerStep: seconds, heldRateAsked: held?.rate ?? null, heldP99Ms: held?.p99 ?? null },
    },
    {
      scenario: 'http append',
      case: `deposits, unthrottled, ${CONNECTIONS} connections`,
      metric: 'throughput',
      value: unthrottled.perSecond,
      unit: '/s',
      baseline: base,
      details: { ...unthrottled },
    },
  ];
};

/**
 * Scenario 3: under a steady load of deposits, the time from a command's 201 to its visibility
 * in query-api, asked with the consistency token the command returned: relay, Kafka, projector,
 * PostgreSQL and query-api's own wait (it polls the read model every 20 ms) all count.
 */
export const endToEnd = async (context: BenchContext, pool: Pool): Promise<Figure[]> => {
  await deleteTopics();
  const accounts = await openAccounts(pool, 1_000);
  const seconds = context.quick ? 15 : 60;
  const rate = 500;
  const probesPerSecond = 50;
  const env = { PROJECTIONS: 'account-statement,order-history' };
  const apps = [app('command-api', env), app('projector', env), app('query-api', env)];
  for (const a of apps) await a.start();
  try {
    for (;;) {
      const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM account_statement');
      if (Number(rows[0]!.n) >= accounts.length) break;
      await sleep(200);
    }
    const commandUrl = baseUrl('command-api', PORTS);
    const queryUrl = baseUrl('query-api', PORTS);
    const path = (): string => `/accounts/${accounts[Math.floor(Math.random() * accounts.length)]}/deposits`;
    const samples: number[] = [];
    let probeFailures = 0;
    // The probes go through undici's pools too, not `fetch`, whose own latency in this busy
    // process would be counted in the figure (see `paced` in load.ts).
    const commands = new UndiciPool(commandUrl, { connections: 8 });
    const queries = new UndiciPool(queryUrl, { connections: 8 });
    const auth = await bearer('alice');
    const probe = async (counted: boolean): Promise<void> => {
      const accountId = accounts[Math.floor(Math.random() * accounts.length)]!;
      const created = await commands.request({ method: 'POST', path: `/accounts/${accountId}/deposits`, headers: { 'content-type': 'application/json', ...auth }, body: DEPOSIT });
      const body = (await created.body.json()) as { streamId?: string; revision?: number };
      if (created.statusCode !== 201) return void probeFailures++;
      const start = performance.now();
      const seen = await queries.request({ method: 'GET', path: `/accounts/${accountId}`, headers: { 'x-consistency-token': `${body.streamId}@${body.revision}`, ...auth } });
      await seen.body.dump();
      if (!counted) return;
      if (seen.statusCode !== 200) return void probeFailures++;
      samples.push(performance.now() - start);
    };
    const probes: Promise<void>[] = [];
    // The apps have just started: the first seconds under load (code not yet optimised, pools
    // and connections still opening) had probes of up to 540 ms, so they are a warm-up, not measured.
    const load = post(commandUrl, path, DEPOSIT, { rate: rate - probesPerSecond, seconds: WARM_UP_SECONDS + seconds, connections: 16, headers: auth });
    const measureFrom = Date.now() + WARM_UP_SECONDS * 1000;
    const deadline = measureFrom + seconds * 1000;
    while (Date.now() < deadline) {
      const counted = Date.now() >= measureFrom;
      probes.push(probe(counted).catch(() => void (counted && probeFailures++)));
      await sleep(1000 / probesPerSecond);
    }
    const background = await load;
    await Promise.all(probes);
    await Promise.all([commands.close(), queries.close()]);
    const p50 = percentile(samples, 50);
    const p99 = percentile(samples, 99);
    context.log(`${Math.round(background.perSecond + samples.length / seconds)} commands/s: 201 → visible p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms over ${samples.length} probes`);
    const details = { commandsPerSecond: background.perSecond + samples.length / seconds, probes: samples.length, probeFailures, loadFailures: background.failed, loadP99Ms: background.p99, seconds, warmUpSeconds: WARM_UP_SECONDS };
    return [
      { scenario: 'end to end', case: `${rate} commands/s`, metric: '201 → visible p50', value: p50, unit: 'ms', details },
      { scenario: 'end to end', case: `${rate} commands/s`, metric: '201 → visible p99', value: p99, unit: 'ms', target: { on: 'value', atMost: 150 }, details },
    ];
  } finally {
    for (const a of apps.reverse()) await a.stop();
  }
};

/** What each run of the observability scenario turns on. */
const INSTRUMENTATION = {
  'none': { TRACING_ENABLED: 'false', METRICS_ENABLED: 'false' },
  'metrics': { TRACING_ENABLED: 'false', METRICS_ENABLED: 'true' },
  'tracing + metrics': { TRACING_ENABLED: 'true', METRICS_ENABLED: 'true' },
  'tracing of 1 trace in 10 + metrics': { TRACING_ENABLED: 'true', METRICS_ENABLED: 'true', TRACING_SAMPLE_PERCENT: '10' },
} as const;
type Instrumentation = keyof typeof INSTRUMENTATION;

/**
 * Scenario: what tracing and metrics cost on the HTTP append. The same deposits as `http-append`,
 * against command-api with neither, with metrics only, and with both: every trace sampled and
 * exported to the local Zipkin, as `npm start` runs it, and one trace in ten
 * (`TRACING_SAMPLE_PERCENT=10`: the other nine are still instrumented, context and all, but
 * record nothing). The runs alternate, twice over, so a slow spell of the machine falls on all of
 * them; each figure is the mean of its two runs. The throughput is unthrottled at 32 connections;
 * the latency is the p50 at a steady 300/s.
 */
export const observabilityCost = async (context: BenchContext, pool: Pool): Promise<Figure[]> => {
  const accounts = await openAccounts(pool, 2_000);
  const seconds = context.quick ? 5 : 15;
  const path = (): string => `/accounts/${accounts[Math.floor(Math.random() * accounts.length)]}/deposits`;
  const url = baseUrl('command-api', PORTS);
  const kinds = Object.keys(INSTRUMENTATION) as Instrumentation[];
  const runs = Object.fromEntries(kinds.map((kind) => [kind, []])) as unknown as Record<Instrumentation, { perSecond: number; p50: number }[]>;
  for (let round = 0; round < 2; round++) {
    for (const kind of kinds) {
      const commandApi = app('command-api', { RELAY_ENABLED: 'false', ...INSTRUMENTATION[kind] });
      await commandApi.start();
      try {
        await post(url, path, DEPOSIT, { rate: null, seconds: 3, connections: CONNECTIONS, headers: await bearer('alice') });
        const unthrottled = await post(url, path, DEPOSIT, { rate: null, seconds, connections: CONNECTIONS, headers: await bearer('alice') });
        const steady = await post(url, path, DEPOSIT, { rate: 300, seconds: context.quick ? 4 : 10, connections: CONNECTIONS, headers: await bearer('alice') });
        if (unthrottled.failed || steady.failed) throw new Error(`${kind}: ${unthrottled.failed + steady.failed} requests failed (answers by status: unthrottled ${JSON.stringify(unthrottled.statuses)}, at 300/s ${JSON.stringify(steady.statuses)})`);
        runs[kind].push({ perSecond: unthrottled.perSecond, p50: steady.p50 });
        context.log(`${kind}, round ${round + 1}: ${Math.round(unthrottled.perSecond)}/s unthrottled; at 300/s p50 ${steady.p50.toFixed(2)} ms, p99 ${steady.p99.toFixed(1)} ms`);
      } finally {
        await commandApi.stop();
      }
    }
  }
  const mean = (kind: Instrumentation, key: 'perSecond' | 'p50'): number => runs[kind].reduce((sum, r) => sum + r[key], 0) / runs[kind].length;
  const none = { name: 'neither tracing nor metrics', value: mean('none', 'perSecond') };
  // The target is set on every trace recorded, as `npm start` runs; one in ten is a common
  // production setting, measured alongside with no target of its own.
  const figures: Figure[] = kinds.filter((kind) => kind !== 'none').map((kind) => ({
    scenario: 'observability cost',
    case: `deposits over HTTP with ${kind}, unthrottled, ${CONNECTIONS} connections`,
    metric: 'throughput',
    value: mean(kind, 'perSecond'),
    unit: '/s',
    baseline: none,
    ...('TRACING_SAMPLE_PERCENT' in INSTRUMENTATION[kind] ? {} : { target: { on: 'ratio' as const, atLeast: 0.9 } }),
    details: { runs: runs[kind], baselineRuns: runs.none },
  }));
  figures.push({
    scenario: 'observability cost',
    case: 'deposits over HTTP with tracing + metrics, p50 at 300/s',
    metric: 'p50 latency',
    value: mean('tracing + metrics', 'p50'),
    unit: 'ms',
    baseline: { name: 'neither tracing nor metrics', value: mean('none', 'p50') },
    details: { metricsOnlyP50: mean('metrics', 'p50') },
  });
  return figures;
};

interface ZipkinSpan { readonly id: string; readonly parentId?: string; readonly name: string; readonly kind?: string; readonly timestamp: number; readonly duration: number }

/**
 * Scenario: where the milliseconds of one deposit go, from its spans. Deposits are sent one at a
 * time (no queueing: each figure is the work itself) to command-api with tracing on, each with a
 * trace id of its own; their traces are then read back from the local Zipkin. Figures are
 * medians per request: the client's round trip, the server span, the time before the handler
 * (authentication, rate limit, body parsing, validation), the handler and what it spends reading
 * the stream, deciding and appending, and the time after it (serialising the answer).
 */
export const httpBreakdown = async (context: BenchContext, pool: Pool): Promise<Figure[]> => {
  const accounts = await openAccounts(pool, 50);
  if (!zipkinEndpoint) throw new Error('OTEL_EXPORTER_ZIPKIN_ENDPOINT is not set (scripts/bench.sh sets it)');
  const zipkin = new URL(zipkinEndpoint).origin;
  const commandApi = app('command-api', { RELAY_ENABLED: 'false', TRACING_ENABLED: 'true' });
  await commandApi.start();
  const sent: { traceId: string; ms: number }[] = [];
  const count = context.quick ? 200 : 1_000;
  try {
    const url = baseUrl('command-api', PORTS);
    for (let i = 0; i < count + 50; i++) {
      const traceId = randomUUID().replaceAll('-', '');
      const started = performance.now();
      const response = await fetch(`${url}/accounts/${accounts[i % accounts.length]}/deposits`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01`, ...(await bearer('alice')) },
        body: DEPOSIT,
      });
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`a deposit answered ${response.status}`);
      if (i >= 50) sent.push({ traceId, ms: performance.now() - started }); // the first 50 warm up
      await sleep(5);
    }
  } finally {
    await commandApi.stop(); // its exporter sends what it still holds as it stops
  }
  const stages = new Map<string, number[]>();
  const add = (stage: string, ms: number): void => void (stages.get(stage) ?? stages.set(stage, []).get(stage)!).push(ms);
  for (const { traceId, ms } of sent) {
    const spans = (await (await fetch(`${zipkin}/api/v2/trace/${traceId}`)).json()) as ZipkinSpan[];
    const server = spans.find((s) => s.kind === 'SERVER');
    const handler = spans.find((s) => s.parentId === server?.id);
    if (!server || !handler) continue;
    add('client round trip', ms);
    add('server span', server.duration / 1000);
    add('before the handler: authentication, rate limit, body, validation', (handler.timestamp - server.timestamp) / 1000);
    add('handler', handler.duration / 1000);
    for (const span of spans) if (span.parentId && span !== handler && span.kind !== 'SERVER') add(`  ${span.kind === 'CLIENT' ? 'query' : 'span'} ${span.name}`, span.duration / 1000);
    add('after the handler: the answer written', (server.timestamp + server.duration - handler.timestamp - handler.duration) / 1000);
  }
  const traced = stages.get('server span')?.length ?? 0;
  context.log(`${traced} of ${sent.length} deposits traced`);
  return [...stages].map(([stage, values]) => {
    const perRequest = values.length / Math.max(traced, 1);
    context.log(`${percentile(values, 50).toFixed(2).padStart(7)} ms  ${stage}${perRequest > 1.05 ? ` (×${perRequest.toFixed(1)} per request)` : ''}`);
    return { scenario: 'http breakdown', case: `deposit, one at a time: ${stage.trim()}`, metric: 'p50', value: percentile(values, 50), unit: 'ms', details: { samples: values.length, perRequest } };
  });
};
