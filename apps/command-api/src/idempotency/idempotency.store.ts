import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL } from '#infra/nest/database.module';
import type { Pool } from '#infra/postgres/pool';
import { IDEMPOTENCY_CHANNEL } from './key-waiters.js';

/** How long an attempt holds its key before a retry may take it over (a crashed attempt). */
const LEASE_MS = 30_000;

export type Claim =
  | { readonly kind: 'execute' }
  | { readonly kind: 'replay'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'in_progress' };

interface Row {
  request_hash: string;
  state: 'pending' | 'completed';
  status: number | null;
  body: unknown;
  lease_expired: boolean;
}

/** Idempotency keys in PostgreSQL: one row per key, claimed atomically by the first request. */
@Injectable()
export class IdempotencyStore {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Claims `key` for this request, or says what to answer instead. */
  async claim(key: string, requestHash: string, ttlMs: number): Promise<Claim> {
    // An expired key is as good as absent: remove it first.
    await this.pool.query('DELETE FROM idempotency_keys WHERE key = $1 AND expires_at <= now()', [key]);
    const inserted = await this.pool.query(
      `INSERT INTO idempotency_keys (key, request_hash, state, locked_until, expires_at)
       VALUES ($1, $2, 'pending', now() + $3 * interval '1 millisecond', now() + $4 * interval '1 millisecond')
       ON CONFLICT (key) DO NOTHING`,
      [key, requestHash, LEASE_MS, ttlMs],
    );
    if (inserted.rowCount === 1) return { kind: 'execute' };
    const { rows } = await this.pool.query<Row>(
      'SELECT request_hash, state, status, body, locked_until < now() AS lease_expired FROM idempotency_keys WHERE key = $1',
      [key],
    );
    const row = rows[0];
    if (!row) return this.claim(key, requestHash, ttlMs); // expired and removed meanwhile
    if (row.request_hash !== requestHash) return { kind: 'mismatch' };
    if (row.state === 'completed') return { kind: 'replay', status: row.status ?? 200, body: row.body };
    if (!row.lease_expired) return { kind: 'in_progress' };
    // The attempt holding it stopped without an answer (a crash): take it over, if nobody else did.
    const taken = await this.pool.query(
      `UPDATE idempotency_keys SET locked_until = now() + $2 * interval '1 millisecond'
       WHERE key = $1 AND state = 'pending' AND locked_until < now()`,
      [key, LEASE_MS],
    );
    return taken.rowCount === 1 ? { kind: 'execute' } : { kind: 'in_progress' };
  }

  async complete(key: string, status: number, body: unknown): Promise<void> {
    await this.pool.query(
      `WITH done AS (UPDATE idempotency_keys SET state = 'completed', status = $2, body = $3::json WHERE key = $1 RETURNING key)
       SELECT pg_notify('${IDEMPOTENCY_CHANNEL}', key) FROM done`,
      [key, status, JSON.stringify(body ?? null)],
    );
  }

  /** Gives the key back (the attempt failed in a way worth retrying). */
  async release(key: string): Promise<void> {
    await this.pool.query(
      `WITH gone AS (DELETE FROM idempotency_keys WHERE key = $1 AND state = 'pending' RETURNING key) SELECT pg_notify('${IDEMPOTENCY_CHANNEL}', key) FROM gone`,
      [key],
    );
  }

  async purgeExpired(): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM idempotency_keys WHERE expires_at <= now()');
    return rowCount ?? 0;
  }
}
