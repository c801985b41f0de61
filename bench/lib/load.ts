import autocannon from 'autocannon';
import { Pool } from 'undici';
import { percentile } from './stats.js';
import { commitProbe, type LoneCommits } from './database.js';

export interface StepResult {
  readonly rate: number | null;
  readonly seconds: number;
  readonly ok: number;
  readonly failed: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  /** Responses by HTTP status. */
  readonly statuses: Readonly<Record<number, number>>;
}

const stepOf = (rate: number | null, seconds: number, ok: number, failed: number, latencies: readonly number[], statuses: Record<number, number>): StepResult => ({
  rate,
  seconds,
  ok,
  failed,
  perSecond: ok / seconds,
  p50: percentile(latencies, 50),
  p95: percentile(latencies, 95),
  p99: percentile(latencies, 99),
  statuses,
});

/**
 * A steady `rate` of POSTs, open loop: request n is due at start + n / rate, whatever the answers
 * before it, and its latency runs from when it was due, so a server that falls behind is charged
 * for the wait it causes (no coordinated omission). autocannon's own rate limit is a quota per
 * connection per second: each connection sends its share back to back at the start of every
 * second and then idles, so a "steady" 400/s was 32 bursts at once, and its p99 measured the
 * bursts. The requests go through undici's connection pool (`connections` keep-alive
 * connections), not `fetch`: against a bare node:http server on this machine, `fetch` alone gave
 * a p99 of 106 ms at 800/s and a p50 of 79 ms at 6,400/s, where the pool gives 4 ms and 1.3 ms, so
 * the figures were the generator's. At most `maxInFlight` requests are outstanding; one due beyond
 * that counts as failed.
 */
const paced = async (
  url: string,
  path: () => string,
  body: string,
  options: { rate: number; seconds: number; connections: number; maxInFlight: number; expect?: number; headers?: Record<string, string> },
): Promise<StepResult> => {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let refused = 0; // answered, but not with the status expected
  let failed = 0; // refused, not answered, or never sent (too many outstanding)
  let inFlight = 0;
  const outstanding = new Set<Promise<void>>();
  const interval = 1000 / options.rate;
  const total = Math.round(options.rate * options.seconds);
  const start = performance.now();
  const pool = new Pool(url, { connections: options.connections });
  const headers = { 'content-type': 'application/json', ...options.headers };
  const send = (due: number): void => {
    inFlight++;
    const request = pool
      .request({ method: 'POST', path: path(), headers, body })
      .then(async (response) => {
        await response.body.dump();
        latencies.push(performance.now() - due);
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        if (response.statusCode !== (options.expect ?? 201)) {
          refused++;
          failed++;
        }
      })
      .catch(() => void failed++)
      .finally(() => {
        inFlight--;
        outstanding.delete(request);
      });
    outstanding.add(request);
  };
  for (let sent = 0; sent < total; ) {
    const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
    for (; sent < due; sent++) {
      if (inFlight >= options.maxInFlight) failed++;
      else send(start + sent * interval);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(outstanding);
  await pool.close();
  return stepOf(options.rate, options.seconds, latencies.length - refused, failed, latencies, statuses);
};

/**
 * POSTs a body to `path()` (a new path per request) for `seconds`: at `rate` requests/s in all,
 * paced evenly (see `paced`; at most `connections` × 8 outstanding), or with `rate` null as fast as
 * `connections` connections are answered (autocannon, closed loop). Latencies are each response's.
 */
export const post = (
  url: string,
  path: () => string,
  body: string,
  options: { rate: number | null; seconds: number; connections: number; expect?: number; headers?: Record<string, string> },
): Promise<StepResult> =>
  options.rate ? paced(url, path, body, { ...options, rate: options.rate, maxInFlight: options.connections * 8 }) : closedLoop(url, path, body, options);

/** As fast as `connections` connections are answered, each sending its next request on its answer. */
const closedLoop = (
  url: string,
  path: () => string,
  body: string,
  options: { seconds: number; connections: number; expect?: number; headers?: Record<string, string> },
): Promise<StepResult> =>
  new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const statuses: Record<number, number> = {};
    let failed = 0;
    const instance = autocannon(
      {
        url,
        connections: options.connections,
        duration: options.seconds,
        requests: [{ method: 'POST', setupRequest: (request) => ({ ...request, path: path(), headers: { 'content-type': 'application/json', ...options.headers }, body }) }],
      },
      (error) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        resolve(stepOf(null, options.seconds, latencies.length - failed, failed, latencies, statuses));
      },
    );
    instance.on('response', (_client, status, _bytes, responseTime) => {
      latencies.push(responseTime);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status !== (options.expect ?? 201)) failed++;
    });
  });

/** A step of a held-rate ladder: paced POSTs, with a lone commit timed beside them (see `commitProbe`). */
export interface LadderStep extends StepResult {
  readonly loneCommits: LoneCommits;
}

export const ladderStep = async (
  databaseUrl: string,
  url: string,
  path: () => string,
  body: string,
  options: { rate: number; seconds: number; connections: number; headers?: Record<string, string> },
): Promise<LadderStep> => {
  const probe = await commitProbe(databaseUrl);
  try {
    const step = await post(url, path, body, options);
    return { ...step, loneCommits: await probe.stop() };
  } catch (error) {
    await probe.stop();
    throw error;
  }
};

/** Held: every request answered as expected, at the rate asked, with a p99 under 50 ms. */
export const heldStep = (s: StepResult): boolean => s.p99 < 50 && s.failed === 0 && s.perSecond >= (s.rate ?? 0) * 0.95;

export const describeStep = (s: StepResult | LadderStep): string =>
  `${s.rate ?? 'max'}/s asked: ${Math.round(s.perSecond)}/s done, p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, ${s.failed} failed` +
  ('loneCommits' in s ? `; a lone commit beside it: max ${s.loneCommits.maxMs.toFixed(0)} ms, ${s.loneCommits.over50Ms} of ${s.loneCommits.commits} over 50 ms` : '');
