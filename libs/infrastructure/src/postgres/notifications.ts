import { ExponentialBackoff, fullJitterGenerator, handleAll, retry } from 'cockatiel';
import pg from 'pg';
import type { Config } from '../config/config.js';
import { createLogger } from '../logging/logger.js';

const log = createLogger('pg-notifications');

/**
 * One LISTEN connection per process, shared by everything that waits for a notification. It
 * reconnects with jittered backoff when the server goes away; while it is down, waiters fall
 * back to their own (slow) polling, so a lost notification delays an answer, never loses it.
 */
export class PgNotifications {
  private client: pg.Client | null = null;
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();
  private stopped = false;

  constructor(private readonly config: Pick<Config, 'databaseUrl' | 'appName'>) {}

  get connected(): boolean {
    return this.client !== null;
  }

  /** Calls `handler` with each notification's payload on `channel`; returns the unsubscribe. */
  on(channel: string, handler: (payload: string) => void): () => void {
    const set = this.handlers.get(channel) ?? new Set();
    if (!this.handlers.has(channel)) {
      this.handlers.set(channel, set);
      void this.client?.query(`LISTEN ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const policy = retry(handleAll, { maxAttempts: Number.MAX_SAFE_INTEGER, backoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: 5_000, generator: fullJitterGenerator }) });
    await policy.execute(async () => {
      if (this.stopped) return;
      const client = new pg.Client({ connectionString: this.config.databaseUrl, application_name: `${this.config.appName}-listen` });
      client.on('error', (error) => log.warn({ err: error }, 'LISTEN connection lost; reconnecting'));
      client.on('end', () => {
        if (this.client !== client) return;
        this.client = null;
        if (!this.stopped) void this.connect();
      });
      client.on('notification', ({ channel, payload }) => {
        for (const handler of this.handlers.get(channel) ?? []) handler(payload ?? '');
      });
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      if (this.stopped) return void (await client.end());
      this.client = client;
    });
  }
}
