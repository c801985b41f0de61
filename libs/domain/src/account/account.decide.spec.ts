import type { AccountEvent } from '#events';
import { deciderSpec } from '#eventsourcing/testing';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors.js';
import type { AccountCommand } from './account.commands.js';
import { accountDecider } from './account.decide.js';

const now = '2026-11-24T10:00:00.000Z';
const accountId = 'acc-1';
const spec = deciderSpec(accountDecider);
const opened: AccountEvent = { type: 'AccountOpened', data: { accountId, ownerName: 'Ada', currency: 'EUR', openedAt: now } };
const deposited = (amount: number): AccountEvent => ({
  type: 'MoneyDeposited',
  data: { accountId, amount, currency: 'EUR', description: null, depositedAt: now },
});
const withdrawn = (amount: number): AccountEvent => ({
  type: 'MoneyWithdrawn',
  data: { accountId, amount, currency: 'EUR', description: null, withdrawnAt: now },
});
const cmd = <T extends AccountCommand['type']>(type: T, data: Extract<AccountCommand, { type: T }>['data']): AccountCommand =>
  ({ type, data, metadata: { now } }) as AccountCommand;

describe('Account', () => {
  describe('OpenAccount', () => {
    it('opens a new account', () =>
      spec.given([]).when(cmd('OpenAccount', { accountId, ownerName: ' Ada ', currency: 'EUR' })).then([opened]));
    it('refuses to open an account twice', () =>
      spec.given([opened]).when(cmd('OpenAccount', { accountId, ownerName: 'Ada', currency: 'EUR' })).thenThrows(IllegalStateError, 'account_already_open'));
    it('refuses a currency that is not ISO-4217', () =>
      spec.given([]).when(cmd('OpenAccount', { accountId, ownerName: 'Ada', currency: 'eur' })).thenThrows(ValidationError, 'invalid_currency'));
    it('refuses a blank owner name', () =>
      spec.given([]).when(cmd('OpenAccount', { accountId, ownerName: '  ', currency: 'EUR' })).thenThrows(ValidationError, 'invalid_owner_name'));
  });

  describe('DepositMoney', () => {
    it('deposits into an open account', () =>
      spec.given([opened]).when(cmd('DepositMoney', { accountId, amount: 500, currency: 'EUR' })).then([deposited(500)]));
    it('keeps the description', () =>
      spec.given([opened]).when(cmd('DepositMoney', { accountId, amount: 5, currency: 'EUR', description: 'gift' })).then([
        { type: 'MoneyDeposited', data: { accountId, amount: 5, currency: 'EUR', description: 'gift', depositedAt: now } },
      ]));
    it('refuses an account that was never opened', () =>
      spec.given([]).when(cmd('DepositMoney', { accountId, amount: 500, currency: 'EUR' })).thenThrows(NotFoundError, 'not_found'));
    it.each([0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1])('refuses the amount %p', (amount) =>
      spec.given([opened]).when(cmd('DepositMoney', { accountId, amount, currency: 'EUR' })).thenThrows(ValidationError, 'invalid_amount'));
    it("refuses a currency other than the account's", () =>
      spec.given([opened]).when(cmd('DepositMoney', { accountId, amount: 500, currency: 'USD' })).thenThrows(IllegalStateError, 'currency_mismatch'));
    it('refuses a balance beyond the largest safe amount', () =>
      spec
        .given([opened, deposited(Number.MAX_SAFE_INTEGER)])
        .when(cmd('DepositMoney', { accountId, amount: 1, currency: 'EUR' }))
        .thenThrows(IllegalStateError, 'balance_limit_exceeded'));
  });

  describe('WithdrawMoney', () => {
    it('withdraws up to the balance', () =>
      spec.given([opened, deposited(500)]).when(cmd('WithdrawMoney', { accountId, amount: 500, currency: 'EUR' })).then([withdrawn(500)]));
    it('refuses an overdraft', () =>
      spec
        .given([opened, deposited(500), withdrawn(200)])
        .when(cmd('WithdrawMoney', { accountId, amount: 301, currency: 'EUR' }))
        .thenThrows(IllegalStateError, 'insufficient_funds'));
    it('refuses to withdraw from an empty account', () =>
      spec.given([opened]).when(cmd('WithdrawMoney', { accountId, amount: 1, currency: 'EUR' })).thenThrows(IllegalStateError, 'insufficient_funds'));
    it("refuses a currency other than the account's", () =>
      spec.given([opened, deposited(500)]).when(cmd('WithdrawMoney', { accountId, amount: 1, currency: 'GBP' })).thenThrows(IllegalStateError, 'currency_mismatch'));
    it('refuses a non-positive amount', () =>
      spec.given([opened, deposited(500)]).when(cmd('WithdrawMoney', { accountId, amount: 0, currency: 'EUR' })).thenThrows(ValidationError, 'invalid_amount'));
    it('refuses an account that was never opened', () =>
      spec.given([]).when(cmd('WithdrawMoney', { accountId, amount: 1, currency: 'EUR' })).thenThrows(NotFoundError, 'not_found'));
  });

  describe('payments and refunds of orders (the payment saga)', () => {
    const payment = (amount: number): AccountEvent => ({
      type: 'MoneyWithdrawn',
      data: { accountId, amount, currency: 'EUR', description: 'Payment of order ord-1', withdrawnAt: now, orderId: 'ord-1' },
    });
    const refund = (amount: number): AccountEvent => ({
      type: 'MoneyDeposited',
      data: { accountId, amount, currency: 'EUR', description: 'Refund of order ord-1', depositedAt: now, refundOf: 'ord-1' },
    });
    const pay = cmd('WithdrawMoney', { accountId, amount: 300, currency: 'EUR', description: 'Payment of order ord-1', orderId: 'ord-1' });
    const giveBack = cmd('DepositMoney', { accountId, amount: 300, currency: 'EUR', description: 'Refund of order ord-1', refundOf: 'ord-1' });

    it('pays an order, referencing it', () => spec.given([opened, deposited(500)]).when(pay).then([payment(300)]));
    it('pays an order once: a second payment of it is a no-op', () => spec.given([opened, deposited(500), payment(300)]).when(pay).then([]));
    it('refuses to pay beyond the balance', () => spec.given([opened, deposited(100)]).when(pay).thenThrows(IllegalStateError, 'insufficient_funds'));
    it('refunds a paid order, referencing it', () => spec.given([opened, deposited(500), payment(300)]).when(giveBack).then([refund(300)]));
    it('refunds once: a second refund is a no-op', () => spec.given([opened, deposited(500), payment(300), refund(300)]).when(giveBack).then([]));
    it('refuses to refund an order it never paid', () => spec.given([opened, deposited(500)]).when(giveBack).thenThrows(IllegalStateError, 'nothing_to_refund'));
  });
});
