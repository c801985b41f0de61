import autocannon from 'autocannon';
import { baseUrl } from '../../support/apps.js';
import { bearer } from '../../support/tokens.js';

export interface OpenLoadResult {
  readonly seconds: number;
  /** Answers by status. */
  readonly statuses: Readonly<Record<number, number>>;
  /** 201s per second of the run. */
  readonly acceptedPerSecond: number;
  /** Requests that got no answer (timeouts, resets). */
  readonly errors: number;
}

/**
 * Deposits of 1 into `accounts`, round robin, on `connections` connections, at `rate` requests/s
 * in all (null: as fast as they are answered), for `seconds`: load that does not slow down when
 * the server does, unlike a client that waits for its answers.
 */
export const depositLoad = async (accounts: readonly string[], options: { rate: number | null; seconds: number; connections: number }): Promise<OpenLoadResult> => {
  const auth = await bearer('alice'); // the accounts are alice's
  return new Promise((resolve, reject) => {
    const statuses: Record<number, number> = {};
    let n = 0;
    let errors = 0;
    const instance = autocannon(
      {
        url: baseUrl('command-api'),
        connections: options.connections,
        duration: options.seconds,
        timeout: 10,
        ...(options.rate ? { overallRate: options.rate } : {}),
        requests: [{
          method: 'POST',
          setupRequest: (request) => ({ ...request, path: `/accounts/${accounts[n++ % accounts.length]!}/deposits`, headers: { 'content-type': 'application/json', ...auth }, body: '{"amount":1,"currency":"EUR"}' }),
        }],
      },
      (error) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        resolve({ seconds: options.seconds, statuses, acceptedPerSecond: (statuses[201] ?? 0) / options.seconds, errors });
      },
    );
    instance.on('response', (_client, status) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
    instance.on('reqError', () => errors++);
  });
};
