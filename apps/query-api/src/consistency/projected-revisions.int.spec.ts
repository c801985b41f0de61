import { randomUUID } from 'node:crypto';
import { accountStreamId, orderStreamId } from '#events';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { testConfig } from '#infra/testing/test-config';
import type { Reader } from '../access/reader.js';
import { accountOpened, deposited, orderCreated, projectAccounts, projectOrders } from '../testing/read-model-fixtures.js';
import { parseConsistencyToken, type ConsistencyToken } from './consistency-token.js';
import { ProjectedRevisions } from './projected-revisions.js';

const TIMEOUT_MS = 400;

describe('ProjectedRevisions: waiting on a stream as its owner, a stranger or an operator (real PostgreSQL)', () => {
  let pool: Pool;
  let revisions: ProjectedRevisions;
  const alice: Reader = { kind: 'customer', subject: `subject-${randomUUID()}` };
  const bob: Reader = { kind: 'customer', subject: `subject-${randomUUID()}` };
  const operator: Reader = { kind: 'operator' };
  const token = (raw: string): ConsistencyToken => parseConsistencyToken(raw)!;
  const timed = async (wait: Promise<number | null>): Promise<{ applied: number | null; ms: number }> => {
    const start = Date.now();
    const applied = await wait;
    return { applied, ms: Date.now() - start };
  };

  beforeAll(async () => {
    pool = createPool(testConfig(), 2);
    await migrate(pool);
    revisions = new ProjectedRevisions(pool, testConfig());
  });
  afterAll(async () => {
    revisions.onApplicationShutdown();
    await pool.end();
  });

  it('the owner of an account waits until it reaches the revision, then reads on', async () => {
    const accountId = randomUUID();
    await projectAccounts(pool, [accountOpened(accountId, alice.subject)]);
    const waiting = timed(revisions.waitFor(token(`${accountStreamId(accountId)}@1`), alice, 5_000));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await projectAccounts(pool, [deposited(accountId, 1)]);
    const { applied, ms } = await waiting;
    expect(applied).toBe(1);
    expect(ms).toBeLessThan(2_000);
  });

  it('a stranger’s token for a projected order holds until the timeout and learns what a token for a missing stream learns', async () => {
    const orderId = randomUUID();
    await projectOrders(pool, [orderCreated(orderId, alice.subject)]);
    const [stranger, missing] = await Promise.all([
      timed(revisions.waitFor(token(`${orderStreamId(orderId)}@0`), bob, TIMEOUT_MS)),
      timed(revisions.waitFor(token(`${orderStreamId(randomUUID())}@0`), bob, TIMEOUT_MS)),
    ]);
    expect(stranger.applied).toBeNull();
    expect(missing.applied).toBeNull();
    expect(stranger.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(Math.abs(stranger.ms - missing.ms)).toBeLessThan(100);
  });

  it('a stranger learns nothing of an account short of the revision either; its owner sees how far it got', async () => {
    const accountId = randomUUID();
    await projectAccounts(pool, [accountOpened(accountId, alice.subject)]);
    const wanted = token(`${accountStreamId(accountId)}@3`);
    const [owner, stranger] = await Promise.all([revisions.waitFor(wanted, alice, TIMEOUT_MS), revisions.waitFor(wanted, bob, TIMEOUT_MS)]);
    expect({ owner, stranger }).toEqual({ owner: 0, stranger: null });
  });

  it('an operator reads on for anyone’s stream, and for an account from before owners were recorded', async () => {
    const [orderId, accountId] = [randomUUID(), randomUUID()];
    await projectOrders(pool, [orderCreated(orderId, alice.subject)]);
    await projectAccounts(pool, [accountOpened(accountId, null)]);
    const order = await timed(revisions.waitFor(token(`${orderStreamId(orderId)}@0`), operator, 5_000));
    const account = await timed(revisions.waitFor(token(`${accountStreamId(accountId)}@0`), operator, 5_000));
    expect([order.applied, account.applied]).toEqual([0, 0]);
    expect(Math.max(order.ms, account.ms)).toBeLessThan(1_000);
    expect(await revisions.waitFor(token(`${accountStreamId(accountId)}@0`), alice, 100)).toBeNull();
  });
});
