import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Client } from './http.js';

const run = promisify(execFile);
const CLI = resolve(fileURLToPath(new URL('../..', import.meta.url)), 'dist/apps/projector/src/cli/cli.js');

/** Runs the built operator CLI (`ledger <args>`) with the test run's environment; its stdout and stderr. */
export const cli = (...args: string[]): Promise<{ stdout: string; stderr: string }> =>
  run(process.execPath, [CLI, ...args], { env: process.env, maxBuffer: 16 * 1024 * 1024 });

/** What command-api answers for an append. */
export interface Appended {
  streamId: string;
  revision: number;
  accountId?: string;
  orderId?: string;
}

/** Every order id of a customer's order list in query-api, page after page. */
export const listedOrderIds = async (client: Client, customerId: string): Promise<Set<string>> => {
  const seen = new Set<string>();
  let cursor: string | null = null;
  do {
    const page: { body: { items: { orderId: string }[]; nextCursor: string | null } } = await client.get<{ items: { orderId: string }[]; nextCursor: string | null }>(
      'query-api', `/customers/${customerId}/orders?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    page.body.items.forEach((o) => seen.add(o.orderId));
    cursor = page.body.nextCursor;
  } while (cursor);
  return seen;
};
