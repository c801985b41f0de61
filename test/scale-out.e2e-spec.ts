import { randomUUID } from 'node:crypto';
import { createKafka } from '#infra/kafka/kafka';
import { createPool, type Pool } from '#infra/postgres/pool';
import { testConfig } from '#infra/testing/test-config';
import { AssignerProtocol, type Admin } from 'kafkajs';
import { consumerGroupId } from '../apps/projector/src/consumer/projection-consumer.js';
import { AppProcess, baseUrl, waitUntil, type Ports } from './support/apps.js';
import { runPool } from './support/load.js';
import { post } from './support/http.js';
import { bearer } from './support/tokens.js';

const ACCOUNTS = 40;
const DEPOSITS_PER_ACCOUNT = 40;
const PORT_BASE = Number(process.env['TEST_APP_PORT_BASE'] ?? 3100);
// The second replica of each app listens beside the first.
const SECOND: Ports = { 'command-api': PORT_BASE + 10, 'query-api': PORT_BASE + 11, projector: PORT_BASE + 12 };
const urlOf = (ports?: Ports): string => (ports ? baseUrl('command-api', ports) : baseUrl('command-api'));

interface RelayHealth { relay?: { state: string } }
const relayState = async (ports?: Ports): Promise<string | null> =>
  fetch(`${urlOf(ports)}/health`).then(async (r) => ((await r.json()) as RelayHealth).relay?.state ?? null, () => null);

describe('Scale-out: two command-api processes with one relay, two projectors in one consumer group', () => {
  // The read models only: no saga, so balances move only by the deposits sent here.
  const env = { PROJECTIONS: 'account-statement' };
  const commandApis = [new AppProcess('command-api', env), new AppProcess('command-api', env, SECOND, 'scale-2')];
  const projectors = [new AppProcess('projector', env), new AppProcess('projector', env, SECOND, 'scale-2')];
  let pool: Pool;
  let admin: Admin;

  beforeAll(async () => {
    pool = createPool(testConfig(), 4);
    admin = createKafka(testConfig(), 'scale-out-test').admin();
    await admin.connect();
    for (const app of [...commandApis, ...projectors]) await app.start();
  }, 180_000);
  afterAll(async () => {
    for (const app of [...projectors, ...commandApis]) await app.stop();
    await admin.disconnect();
    await pool.end();
  }, 60_000);

  it('share the work, and when the relay leader and a projector are killed, the others take over: nothing lost, nothing doubled', async () => {
    // Exactly one relay publishes; the other stands by.
    await waitUntil(async () => [await relayState(), await relayState(SECOND)].sort().join() === 'active,standby', 30_000, 'one active relay and one standby');
    const leader = (await relayState()) === 'active' ? 0 : 1;
    const survivor = 1 - leader;

    // Both projectors hold partitions of the account topic's consumer group.
    const group = consumerGroupId(testConfig().consumerGroupPrefix, 'account-statement');
    const partitionsHeld = async (): Promise<number[]> => {
      const [described] = (await admin.describeGroups([group])).groups;
      if (described?.state !== 'Stable') return [];
      return described.members.map((m) => Object.values(AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {}).flat().length);
    };
    await waitUntil(async () => {
      const held = await partitionsHeld();
      return held.length === 2 && held.every((n) => n > 0);
    }, 60_000, 'both projectors to hold partitions');

    const accounts: string[] = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      const opened = await post<{ accountId: string }>('command-api', '/accounts', { ownerName: `Scale ${i}`, currency: 'EUR' });
      expect(opened.status).toBe(201);
      accounts.push(opened.body.accountId);
    }

    // Deposits spread over both command-api processes; a call to a killed one is sent again, with
    // the same Idempotency-Key, to the other, as a client behind a load balancer does.
    const alive = [true, true];
    let sent = 0;
    let resent = 0;
    const deposit = async (accountId: string, amount: number, n: number): Promise<void> => {
      const key = randomUUID();
      for (let attempt = 0; ; attempt++) {
        const target = alive[n % 2] ? n % 2 : 1 - (n % 2);
        const response = await fetch(`${urlOf(target === 0 ? undefined : SECOND)}/accounts/${accountId}/deposits`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key, ...(await bearer('alice')) },
          body: JSON.stringify({ amount, currency: 'EUR' }),
        }).catch(() => null);
        if (response?.status === 201) return;
        if (response && response.status !== 409 && response.status !== 503) throw new Error(`a deposit answered ${response.status}`);
        if (attempt > 50) throw new Error(`a deposit was not accepted after ${attempt} attempts`);
        resent++;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const tasks = accounts.map((accountId, a) => async () => {
      for (let i = 0; i < DEPOSITS_PER_ACCOUNT; i++) await deposit(accountId, 1 + ((a + i) % 50), sent++);
    });
    const load = runPool(tasks, 16);

    // A third of the way in: SIGKILL the relay's leader and one projector.
    await waitUntil(() => sent >= (ACCOUNTS * DEPOSITS_PER_ACCOUNT) / 3, 120_000, 'a third of the deposits');
    const killedAt = Date.now();
    alive[leader] = false;
    await commandApis[leader]!.stop('SIGKILL');
    await projectors[0]!.stop('SIGKILL');
    await waitUntil(async () => (await relayState(survivor === 0 ? undefined : SECOND)) === 'active', 30_000, 'the standby relay to take over');
    const takeoverMs = Date.now() - killedAt;
    await load;

    // Every deposit is in the read model exactly once: balances and statement lines match the store.
    const expected = new Map(accounts.map((id, a) => [id, Array.from({ length: DEPOSITS_PER_ACCOUNT }, (_, i) => 1 + ((a + i) % 50)).reduce((x, y) => x + y, 0)]));
    await waitUntil(async () => {
      const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM account_transactions WHERE account_id = ANY($1)', [accounts]);
      return Number(rows[0]?.n) >= ACCOUNTS * DEPOSITS_PER_ACCOUNT;
    }, 120_000, 'the surviving projector to catch up');
    const { rows: stored } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM events WHERE type = 'MoneyDeposited' AND stream_id = ANY($1)`, [accounts.map((a) => `account-${a}`)]);
    expect(Number(stored[0]?.n)).toBe(ACCOUNTS * DEPOSITS_PER_ACCOUNT);
    const { rows } = await pool.query<{ account_id: string; balance: string; lines: string }>(
      `SELECT s.account_id, s.balance, (SELECT count(*) FROM account_transactions t WHERE t.account_id = s.account_id) AS lines
       FROM account_statement s WHERE s.account_id = ANY($1)`,
      [accounts],
    );
    expect(rows).toHaveLength(ACCOUNTS);
    for (const row of rows) expect({ id: row.account_id, balance: Number(row.balance), lines: Number(row.lines) }).toEqual({ id: row.account_id, balance: expected.get(row.account_id), lines: DEPOSITS_PER_ACCOUNT });

    // The surviving projector now holds every partition.
    const held = await partitionsHeld();
    expect(held).toHaveLength(1);
    expect(held[0]).toBe(testConfig().kafkaPartitions);
    console.log(`scale-out: ${ACCOUNTS * DEPOSITS_PER_ACCOUNT} deposits over two command-api processes, ${resent} sent again after the kill; the standby relay took over ${takeoverMs} ms after the leader's SIGKILL`);
  }, 300_000);
});
