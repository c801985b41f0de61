import { randomUUID } from 'node:crypto';
import { accountStreamId, CURRENT_SCHEMA_VERSION, type NewEvent } from '#events';
import { appendEvents } from '#infra/event-store/postgres/postgres-event-store';
import type { Pool } from '#infra/postgres/pool';
import { AppProcess, baseUrl, type Ports } from '../../test/support/apps.js';
import { bearer, subjectOf } from '../../test/support/tokens.js';
import { describeStep, heldStep, ladderStep, post, type LadderStep, type StepResult } from '../lib/load.js';
import type { Figure } from '../lib/report.js';
import { median } from '../lib/stats.js';
import type { BenchContext } from './store-append.js';

const PORTS: Ports = { 'command-api': 3210, 'query-api': 3211, projector: 3212 };
const DEPOSIT = JSON.stringify({ amount: 100, currency: 'EUR', description: 'bench' });
const UNLIMITED = { RATE_LIMIT_COMMANDS: '100000000', RATE_LIMIT_READS: '100000000', RATE_LIMIT_CONSISTENCY_WAITS: '100000000', RATE_LIMIT_SEARCHES: '100000000' };
const LONG = 10_000;
const PER_APPEND = 1_000;

const stored = (type: NewEvent['type'], data: unknown, at: string): NewEvent => ({
  eventId: randomUUID(),
  type,
  schemaVersion: CURRENT_SCHEMA_VERSION[type as keyof typeof CURRENT_SCHEMA_VERSION],
  occurredAt: at,
  data,
  metadata: { correlationId: randomUUID(), causationId: null, actor: 'bench' },
});

/**
 * Opens `count` accounts of alice's, each with `events` events in all (1-cent deposits after the
 * opening), appended straight through the store in batches of PER_APPEND (set-up, not measured).
 */
const accountsHolding = async (pool: Pool, count: number, events: number): Promise<string[]> => {
  const ownerId = await subjectOf('alice');
  const ids = Array.from({ length: count }, () => randomUUID());
  const at = new Date().toISOString();
  for (const id of ids) {
    let batch = [stored('AccountOpened', { accountId: id, ownerName: 'Bench', currency: 'EUR', openedAt: at, ownerId }, at)];
    for (let revision = 0; revision < events; revision += batch.length) {
      if (revision > 0) {
        const n = Math.min(PER_APPEND, events - revision);
        batch = Array.from({ length: n }, () => stored('MoneyDeposited', { accountId: id, amount: 1, currency: 'EUR', description: 'seed', depositedAt: at }, at));
      }
      await appendEvents(pool, accountStreamId(id), batch, revision === 0 ? 'no_stream' : revision - 1);
    }
  }
  await pool.query('ANALYZE events');
  return ids;
};

const commandApi = (): AppProcess => new AppProcess('command-api', { ...UNLIMITED, RELAY_ENABLED: 'false' }, PORTS, 'bench');
/** The latency of one deposit to each account in turn (the first after a start: nothing cached). */
const firstDeposits = async (accounts: readonly string[]): Promise<number[]> => {
  const url = baseUrl('command-api', PORTS);
  const headers = await bearer('alice');
  const latencies: number[] = [];
  for (const id of accounts) {
    const start = performance.now();
    const response = await fetch(`${url}/accounts/${id}/deposits`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: DEPOSIT });
    await response.arrayBuffer();
    if (response.status !== 201) throw new Error(`deposit to ${id} answered ${response.status}`);
    latencies.push(performance.now() - start);
  }
  return latencies;
};

/** One set of accounts: the first deposit to each (cold), deposits one at a time, then the highest rate held. */
const measure = async (context: BenchContext, label: string, accounts: readonly string[]) => {
  const url = baseUrl('command-api', PORTS);
  const cold = await firstDeposits(accounts);
  const path = (): string => `/accounts/${accounts[Math.floor(Math.random() * accounts.length)]}/deposits`;
  const seconds = context.quick ? 5 : 15;
  const single = await post(url, path, DEPOSIT, { rate: null, seconds, connections: 1, headers: await bearer('alice') });
  context.log(`${label}: first deposit (nothing cached) median ${median(cold).toFixed(1)} ms; one at a time: p50 ${single.p50.toFixed(1)} ms, p99 ${single.p99.toFixed(1)} ms`);
  const steps: LadderStep[] = [];
  for (const rate of context.quick ? [50, 100, 200, 400, 800] : [100, 250, 500, 750, 1000, 1250, 1500, 2000]) {
    const step = await ladderStep(context.databaseUrl, url, path, DEPOSIT, { rate, seconds, connections: 32, headers: await bearer('alice') });
    steps.push(step);
    context.log(`${label}: ${describeStep(step)}`);
    if (!heldStep(step)) break;
  }
  return { coldMedianMs: median(cold), single, steps, held: steps.filter(heldStep).at(-1) };
};

/**
 * Long streams: deposits over HTTP to accounts that already hold 10,000 events, against the
 * same to fresh accounts, in one command-api: latency one deposit at a time (p50, p99), and the
 * highest rate held with p99 under 50 ms over 32 connections. The first deposit to each long
 * account (folding its history, and snapshotting it), and the first after a restart (from the
 * snapshot), are reported apart.
 */
export const longStreams = async (context: BenchContext, pool: Pool): Promise<Figure[]> => {
  const count = context.quick ? 8 : 32;
  const started = performance.now();
  const long = await accountsHolding(pool, count, LONG);
  const fresh = await accountsHolding(pool, count, 1);
  context.log(`${count} accounts of ${LONG} events and ${count} fresh ones stored in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  let app = commandApi();
  await app.start();
  let freshRun, longRun, restarted;
  try {
    freshRun = await measure(context, 'fresh', fresh);
    longRun = await measure(context, `${LONG} events`, long);
    // A new process has nothing cached: it starts from the snapshots the first one took.
    await app.stop();
    app = commandApi();
    await app.start();
    restarted = median(await firstDeposits(long));
    context.log(`${LONG} events, after a restart (from the snapshot): first deposit median ${restarted.toFixed(1)} ms`);
  } finally {
    await app.stop();
  }
  const kase = `${count} accounts of ${LONG} events vs ${count} fresh`;
  const details = { fresh: freshRun, long: longRun, longFirstDepositAfterRestartMedianMs: restarted };
  return [
    { scenario: 'long streams', case: kase, metric: 'append p50, one at a time', value: longRun.single.p50, unit: 'ms', baseline: { name: 'fresh accounts', value: freshRun.single.p50 }, target: { on: 'ratio', atMost: 1.2 }, details },
    { scenario: 'long streams', case: kase, metric: 'append p99, one at a time', value: longRun.single.p99, unit: 'ms', baseline: { name: 'fresh accounts', value: freshRun.single.p99 }, target: { on: 'ratio', atMost: 1.2 } },
    {
      scenario: 'long streams', case: kase, metric: 'HTTP rate held, p99 < 50 ms', value: longRun.held?.perSecond ?? 0, unit: '/s',
      baseline: { name: 'fresh accounts', value: freshRun.held?.perSecond ?? 0 }, target: { on: 'ratio', atLeast: 1 / 1.2 },
    },
  ];
};

/**
 * A busy stream: 16 writers deposit into one account over HTTP as fast as they are answered. In
 * one process they queue behind each other and are appended together: accepted per second, and
 * how many were answered 409 (none expected: there is no other process).
 */
export const busyStream = async (context: BenchContext, pool: Pool): Promise<Figure[]> => {
  const [account] = await accountsHolding(pool, 1, 1);
  const seconds = context.quick ? 5 : 10;
  const app = commandApi();
  await app.start();
  let run: StepResult;
  try {
    const url = baseUrl('command-api', PORTS);
    const path = (): string => `/accounts/${account}/deposits`;
    await post(url, path, DEPOSIT, { rate: null, seconds: 2, connections: 16, headers: await bearer('alice') }); // warm-up
    run = await post(url, path, DEPOSIT, { rate: null, seconds, connections: 16, headers: await bearer('alice') });
  } finally {
    await app.stop();
  }
  const conflicts = run.statuses[409] ?? 0;
  context.log(`16 writers, one account, ${seconds} s: ${Math.round(run.perSecond)}/s accepted, ${conflicts} answered 409, p50 ${run.p50.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms, statuses ${JSON.stringify(run.statuses)}`);
  const kase = '16 writers, one account, one command-api';
  return [
    { scenario: 'busy stream', case: kase, metric: 'accepted', value: run.perSecond, unit: '/s', target: { on: 'value', atLeast: 1_000 }, details: { ...run } },
    { scenario: 'busy stream', case: kase, metric: 'answered 409', value: conflicts, unit: 'requests', target: { on: 'value', atMost: 0 } },
  ];
};
