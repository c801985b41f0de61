import { randomUUID } from 'node:crypto';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { testConfig } from '#infra/testing/test-config';
import { accountOpened, deposited, principal, projectAccounts, withdrawn } from '../testing/read-model-fixtures.js';
import { AccountQueries } from './account.queries.js';

describe('AccountQueries: who sees which account (real PostgreSQL)', () => {
  let pool: Pool;
  let accounts: AccountQueries;
  const alice = principal(`subject-${randomUUID()}`, 'customer');
  const bob = principal(`subject-${randomUUID()}`, 'customer');
  const oscar = principal(`subject-${randomUUID()}`, 'operator');
  const [alices, bobs, ownerless] = [randomUUID(), randomUUID(), randomUUID()];

  beforeAll(async () => {
    pool = createPool(testConfig(), 2);
    await migrate(pool);
    accounts = new AccountQueries(pool);
    await projectAccounts(pool, [
      accountOpened(alices, alice.subject, 'Alice'), deposited(alices, 1, 300), withdrawn(alices, 2, 100),
      accountOpened(bobs, bob.subject, 'Bob'), deposited(bobs, 1),
      accountOpened(ownerless, null, 'Before owners'),
    ]);
  });
  afterAll(async () => {
    await pool.end();
  });

  it('projects the owner and shows a customer their own account and statement', async () => {
    expect(await accounts.byId(alice, alices)).toMatchObject({ accountId: alices, ownerName: 'Alice', ownerId: alice.subject, balance: 200, revision: 2 });
    const statement = await accounts.transactions(alice, alices, {});
    expect(statement?.items.map((line) => [line.kind, line.balanceAfter])).toEqual([['deposit', 300], ['withdrawal', 200]]);
  });

  it('to another customer, an account is not there, as if it did not exist', async () => {
    expect(await accounts.byId(bob, alices)).toBeNull();
    expect(await accounts.transactions(bob, alices, {})).toBeNull();
    expect(await accounts.byId(bob, randomUUID())).toBeNull();
  });

  it('an account opened before owners were recorded is no customer’s; an operator sees every account', async () => {
    expect(await accounts.byId(alice, ownerless)).toBeNull();
    for (const id of [alices, bobs, ownerless]) expect(await accounts.byId(oscar, id)).toMatchObject({ accountId: id });
    expect((await accounts.transactions(oscar, bobs, {}))?.items).toHaveLength(1);
  });
});
