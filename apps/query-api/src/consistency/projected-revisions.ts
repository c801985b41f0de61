import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Config } from '#infra/config/config';
import { TooManyWaitersError } from '#infra/http/waiters';
import { CONFIG } from '#infra/nest/config.module';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';
import type { Reader } from '../access/reader.js';
import { appliedRevision, hasReached, type ProjectedStream } from './consistency.policy.js';
import type { ConsistencyToken } from './consistency-token.js';

const POLL_MS = 20;
const REVISIONS_SQL: Record<ConsistencyToken['category'], string> = {
  order: 'SELECT order_id AS id, revision, customer_id AS owner FROM order_history WHERE order_id = ANY($1)',
  account: 'SELECT account_id AS id, revision, owner_id AS owner FROM account_statement WHERE account_id = ANY($1)',
};

interface Waiter {
  readonly token: ConsistencyToken;
  readonly reader: Reader;
  readonly deadline: number;
  readonly settle: (applied: number | null) => void;
}

/**
 * The requests waiting for a stream to be projected up to a revision, all served by one poller:
 * one query per read model every 20 ms for every waiter together, whatever their number (capped).
 * Each waiter sees only what the consistency policy lets its reader see of the stream.
 */
@Injectable()
export class ProjectedRevisions implements OnApplicationShutdown {
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /**
   * The revision applied, as `reader` may see it, once it reaches the token's; or what they see
   * applied when `timeoutMs` runs out (null: nothing, a stream not projected or not theirs).
   */
  waitFor(token: ConsistencyToken, reader: Reader, timeoutMs: number): Promise<number | null> {
    if (this.waiters.length >= this.config.maxWaiters) return Promise.reject(new TooManyWaitersError(`${this.waiters.length} requests are waiting already`));
    return new Promise((settle) => {
      this.waiters.push({ token, reader, deadline: Date.now() + timeoutMs, settle });
      this.timer ??= setTimeout(() => void this.poll(), 0);
    });
  }

  onApplicationShutdown(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const waiter of this.waiters) waiter.settle(null);
    this.waiters = [];
  }

  private async poll(): Promise<void> {
    const batch = this.waiters;
    const projected = new Map<string, ProjectedStream>();
    try {
      for (const category of ['order', 'account'] as const) {
        const ids = [...new Set(batch.filter((w) => w.token.category === category).map((w) => w.token.id))];
        if (!ids.length) continue;
        const { rows } = await this.pool.query<{ id: string; revision: string; owner: string | null }>(REVISIONS_SQL[category], [ids]);
        for (const row of rows) projected.set(`${category}-${row.id}`, { revision: Number(row.revision), owner: row.owner });
      }
    } catch {
      // The database did not answer this time: the waiters wait on, until their deadline.
    }
    const now = Date.now();
    this.waiters = this.waiters.filter((waiter) => {
      const applied = appliedRevision(waiter.reader, projected.get(waiter.token.streamId));
      const done = hasReached(applied, waiter.token.revision) || now >= waiter.deadline;
      if (done) waiter.settle(applied);
      return !done;
    });
    this.timer = this.waiters.length ? setTimeout(() => void this.poll(), POLL_MS) : null;
  }
}
