import { accountStreamId } from '#events';
import type { Pool } from '#infra/postgres/pool';
import { waitUntil } from '../../support/apps.js';
import type { Deposit } from './careful-client.js';

export interface FinalCheck {
  /** Deposits answered 201 whose event is not in the store. */
  readonly lost: number;
  /** Idempotency-Keys with more than one deposit event. */
  readonly doubled: number;
  /** Deposits never answered 201 although the client kept trying until it gave up. */
  readonly neverAccepted: number;
  /** Accounts whose read-model balance differs from the deposits in the store, once the projection caught up. */
  readonly balancesOff: number;
}

/** Compares what the careful client was told with the event store and the read model. */
export const finalCheck = async (pool: Pool, accounts: readonly string[], deposits: readonly Deposit[], timeoutMs = 90_000): Promise<FinalCheck> => {
  const streams = accounts.map(accountStreamId);
  const { rows } = await pool.query<{ key: string | null; n: string; amount: string }>(
    `SELECT metadata->>'idempotencyKey' AS key, count(*) AS n, sum((data->>'amount')::bigint) AS amount
     FROM events WHERE type = 'MoneyDeposited' AND stream_id = ANY($1) GROUP BY 1`,
    [streams],
  );
  const stored = new Map(rows.map((r) => [r.key, Number(r.n)]));
  const lost = deposits.filter((d) => d.acceptedAt !== null && !stored.has(d.key)).length;
  const doubled = rows.filter((r) => r.key !== null && Number(r.n) > 1).length;
  const expected = new Map<string, number>();
  const { rows: sums } = await pool.query<{ stream_id: string; balance: string }>(
    `SELECT stream_id, sum(CASE WHEN type = 'MoneyDeposited' THEN (data->>'amount')::bigint WHEN type = 'MoneyWithdrawn' THEN -(data->>'amount')::bigint ELSE 0 END) AS balance
     FROM events WHERE stream_id = ANY($1) GROUP BY stream_id`,
    [streams],
  );
  for (const s of sums) expected.set(s.stream_id.slice('account-'.length), Number(s.balance));
  let balancesOff = accounts.length;
  await waitUntil(async () => {
    const { rows: projected } = await pool.query<{ account_id: string; balance: string }>('SELECT account_id, balance FROM account_statement WHERE account_id = ANY($1)', [accounts]);
    balancesOff = accounts.length - projected.filter((p) => Number(p.balance) === expected.get(p.account_id)).length;
    return balancesOff === 0;
  }, timeoutMs, 'the account statements to agree with the event store').catch(() => undefined);
  return { lost, doubled, neverAccepted: deposits.filter((d) => d.acceptedAt === null).length, balancesOff };
};
