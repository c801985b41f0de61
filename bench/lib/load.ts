import autocannon from 'autocannon';
import { percentile } from './stats.js';

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

/**
 * POSTs a body to `path()` (a new path per request) on `connections` connections, at `rate`
 * requests/s in all (null: as fast as they answer), for `seconds`. Latencies are each response's.
 */
export const post = (
  url: string,
  path: () => string,
  body: string,
  options: { rate: number | null; seconds: number; connections: number; expect?: number; headers?: Record<string, string> },
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
        ...(options.rate ? { overallRate: options.rate } : {}),
        requests: [{ method: 'POST', setupRequest: (request) => ({ ...request, path: path(), headers: { 'content-type': 'application/json', ...options.headers }, body }) }],
      },
      (error) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        const ok = latencies.length - failed;
        resolve({
          rate: options.rate,
          seconds: options.seconds,
          ok,
          failed,
          perSecond: ok / options.seconds,
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          p99: percentile(latencies, 99),
          statuses,
        });
      },
    );
    instance.on('response', (_client, status, _bytes, responseTime) => {
      latencies.push(responseTime);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status !== (options.expect ?? 201)) failed++;
    });
  });
