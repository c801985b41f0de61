import { randomUUID } from 'node:crypto';
import { baseUrl } from '../../support/apps.js';
import { bearer, forgetToken } from '../../support/tokens.js';

/** One deposit as a careful client makes it: one Idempotency-Key, retried until it is accepted. */
export interface Deposit {
  readonly key: string;
  readonly accountId: string;
  readonly amount: number;
  readonly sentAt: number;
  acceptedAt: number | null;
  attempts: number;
}

export interface LoadStats {
  readonly deposits: readonly Deposit[];
  /** Answers 503 or 429 (refused at once, as asked). */
  refused: number;
  /** Answers 5xx other than 503: each one breaks a target. */
  serverErrors: number;
  timeouts: number;
  conflicts: number;
  networkErrors: number;
  /** Answers 401: the token was refused, and the client got a new one. */
  reauthenticated: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Deposits at a steady rate into the given accounts, each with its own Idempotency-Key, retried
 * with jittered exponential backoff on a timeout, a refused connection, 409, 429 and 5xx (and
 * after Retry-After when one is given) until it is accepted or `giveUpAfterMs` passes.
 */
export class CarefulClient {
  readonly stats: LoadStats = { deposits: [], refused: 0, serverErrors: 0, timeouts: 0, conflicts: 0, networkErrors: 0, reauthenticated: 0 };
  private running = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly accounts: readonly string[],
    private readonly options: { ratePerSecond: number; timeoutMs?: number; giveUpAfterMs?: number },
  ) {}

  start(): void {
    this.running = true;
    void this.loop();
  }

  /** Stops sending new deposits and waits for the ones under way to be accepted (or given up). */
  async stop(): Promise<void> {
    this.running = false;
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  private async loop(): Promise<void> {
    const interval = 1000 / this.options.ratePerSecond;
    let next = Date.now();
    let n = 0;
    while (this.running) {
      const deposit: Deposit = {
        key: randomUUID(), accountId: this.accounts[n++ % this.accounts.length]!, amount: 1 + (n % 97), sentAt: Date.now(), acceptedAt: null, attempts: 0,
      };
      (this.stats.deposits as Deposit[]).push(deposit);
      const task = this.send(deposit).finally(() => this.inFlight.delete(task));
      this.inFlight.add(task);
      next += interval;
      await sleep(Math.max(0, next - Date.now()));
    }
  }

  private async send(deposit: Deposit): Promise<void> {
    const giveUpAt = deposit.sentAt + (this.options.giveUpAfterMs ?? 120_000);
    for (let attempt = 1; Date.now() < giveUpAt; attempt++) {
      deposit.attempts = attempt;
      let retryAfterMs = 0;
      try {
        // No token to be had (the provider down or slow) is like a refused connection: try again later.
        const auth = await bearer('alice').catch(() => null);
        if (!auth) {
          this.stats.networkErrors++;
          await sleep(Math.random() * Math.min(2_000, 100 * 2 ** attempt));
          continue;
        }
        const response = await fetch(`${baseUrl('command-api')}/accounts/${deposit.accountId}/deposits`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': deposit.key, ...auth },
          body: JSON.stringify({ amount: deposit.amount, currency: 'EUR' }),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        });
        await response.arrayBuffer();
        if (response.status === 201) {
          deposit.acceptedAt = Date.now();
          return;
        }
        if (response.status === 503 || response.status === 429) {
          this.stats.refused++;
          retryAfterMs = Number(response.headers.get('retry-after') ?? 0) * 1000;
        } else if (response.status >= 500) this.stats.serverErrors++;
        else if (response.status === 409) this.stats.conflicts++;
        else if (response.status === 401) {
          // As a real client does: its token was refused (the provider's keys changed), so it gets a new one.
          this.stats.reauthenticated++;
          await forgetToken('alice', auth['authorization']!.slice('Bearer '.length));
        } else throw new Error(`deposit ${deposit.key} answered ${response.status}`);
      } catch (error) {
        // By name: fetch's errors come from another realm than the test's, so instanceof fails.
        const name = (error as { name?: string }).name;
        if (name === 'TimeoutError' || name === 'AbortError') this.stats.timeouts++;
        else if (name === 'TypeError') this.stats.networkErrors++;
        else throw error;
      }
      const backoff = Math.random() * Math.min(2_000, 100 * 2 ** attempt);
      await sleep(Math.max(retryAfterMs * (0.5 + Math.random()), backoff));
    }
  }
}
