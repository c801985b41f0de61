import type { AccountEvent, EventEnvelope } from '#events';
import { evolveAccountStatement } from './account-statement.projection.js';
import { ProjectionError } from './projection.js';

const at = '2026-11-24T10:00:00.000Z';
const envelope = (event: AccountEvent, revision: number): EventEnvelope<AccountEvent> => ({
  ...event,
  eventId: `e-${revision}`,
  schemaVersion: 1,
  streamId: 'account-a1',
  streamRevision: revision,
  globalPosition: String(revision),
  occurredAt: at,
  metadata: { correlationId: 'c', causationId: null },
});
const opened = envelope({ type: 'AccountOpened', data: { accountId: 'a1', ownerName: 'Ada', currency: 'EUR', openedAt: at, ownerId: 'subject-ada' } }, 0);
const deposit = (amount: number, revision: number) =>
  envelope({ type: 'MoneyDeposited', data: { accountId: 'a1', amount, currency: 'EUR', description: 'in', depositedAt: at } }, revision);
const withdrawal = (amount: number, revision: number) =>
  envelope({ type: 'MoneyWithdrawn', data: { accountId: 'a1', amount, currency: 'EUR', description: null, withdrawnAt: at } }, revision);

describe('account-statement evolve', () => {
  it('opens with a zero balance, its owner and no statement line', () => {
    expect(evolveAccountStatement(null, opened)).toEqual({
      account: { accountId: 'a1', ownerName: 'Ada', ownerId: 'subject-ada', currency: 'EUR', balance: 0, openedAt: at, revision: 0, updatedAt: at },
      transaction: null,
    });
  });

  it('keeps the owner as money moves, and opens an account from before owners were recorded with none', () => {
    expect(evolveAccountStatement(evolveAccountStatement(null, opened).account, deposit(5, 1)).account.ownerId).toBe('subject-ada');
    const unowned = envelope({ type: 'AccountOpened', data: { accountId: 'a1', ownerName: 'Ada', currency: 'EUR', openedAt: at, ownerId: null } }, 0);
    expect(evolveAccountStatement(null, unowned).account.ownerId).toBeNull();
  });

  it('moves the balance and writes a line with the balance after each movement', () => {
    const afterDeposit = evolveAccountStatement(evolveAccountStatement(null, opened).account, deposit(1000, 1));
    expect(afterDeposit.transaction).toMatchObject({ kind: 'deposit', amount: 1000, balanceAfter: 1000, revision: 1, eventId: 'e-1', description: 'in' });
    const afterWithdrawal = evolveAccountStatement(afterDeposit.account, withdrawal(300, 2));
    expect(afterWithdrawal.account).toMatchObject({ balance: 700, revision: 2 });
    expect(afterWithdrawal.transaction).toMatchObject({ kind: 'withdrawal', amount: 300, balanceAfter: 700 });
  });

  it('rejects movements on an account that was never opened, and a second opening', () => {
    expect(() => evolveAccountStatement(null, deposit(1, 1))).toThrow(ProjectionError);
    expect(() => evolveAccountStatement(evolveAccountStatement(null, opened).account, opened)).toThrow(ProjectionError);
  });
});
