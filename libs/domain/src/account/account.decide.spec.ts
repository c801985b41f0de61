import type { AccountEvent } from '#events';
import { deciderSpec } from '#eventsourcing/testing';
import type { Actor } from '../shared/actor.js';
import { ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '../shared/errors.js';
import type { AccountCommand } from './account.commands.js';
import { accountDecider } from './account.decide.js';

const now = '2026-11-24T10:00:00.000Z';
const accountId = 'acc-1';
const spec = deciderSpec(accountDecider);
const ada: Actor = { subject: 'cust-ada', roles: ['customer'] };
const bob: Actor = { subject: 'cust-bob', roles: ['customer'] };
const operator: Actor = { subject: 'op-1', roles: ['operator'] };
const paymentService: Actor = { subject: 'svc-payments', roles: ['payment-service'] };
const nobody: Actor = { subject: 'anon', roles: [] };

const openedBy = (ownerId: string | null, ownerName = 'Ada'): AccountEvent => ({ type: 'AccountOpened', data: { accountId, ownerName, currency: 'EUR', openedAt: now, ownerId } });
const opened = openedBy(ada.subject);
/** An account opened before owners were recorded: AccountOpened v1, upcast with no owner. */
const openedBeforeOwners = openedBy(null);
const deposited = (amount: number): AccountEvent => ({
  type: 'MoneyDeposited',
  data: { accountId, amount, currency: 'EUR', description: null, depositedAt: now },
});
const withdrawn = (amount: number): AccountEvent => ({
  type: 'MoneyWithdrawn',
  data: { accountId, amount, currency: 'EUR', description: null, withdrawnAt: now },
});
/** A command for `actor`; Ada, the account's owner, unless said otherwise. */
const cmd = <T extends AccountCommand['type']>(type: T, data: Extract<AccountCommand, { type: T }>['data'], actor: Actor = ada): AccountCommand =>
  ({ type, data, metadata: { now, actor } }) as AccountCommand;

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
    const pay = cmd('WithdrawMoney', { accountId, amount: 300, currency: 'EUR', description: 'Payment of order ord-1', orderId: 'ord-1', customerId: ada.subject }, paymentService);
    const giveBack = cmd('DepositMoney', { accountId, amount: 300, currency: 'EUR', description: 'Refund of order ord-1', refundOf: 'ord-1' }, paymentService);

    it('pays an order, referencing it', () => spec.given([opened, deposited(500)]).when(pay).then([payment(300)]));
    it('pays an order once: a second payment of it is a no-op', () => spec.given([opened, deposited(500), payment(300)]).when(pay).then([]));
    it('refuses to pay beyond the balance', () => spec.given([opened, deposited(100)]).when(pay).thenThrows(IllegalStateError, 'insufficient_funds'));
    it('refunds a paid order, referencing it', () => spec.given([opened, deposited(500), payment(300)]).when(giveBack).then([refund(300)]));
    it('refunds once: a second refund is a no-op', () => spec.given([opened, deposited(500), payment(300), refund(300)]).when(giveBack).then([]));
    it('refuses to refund an order it never paid', () => spec.given([opened, deposited(500)]).when(giveBack).thenThrows(IllegalStateError, 'nothing_to_refund'));
  });

  describe('who may open an account', () => {
    const open = (actor: Actor) => cmd('OpenAccount', { accountId, ownerName: 'Bob', currency: 'EUR' }, actor);

    it('a customer, who becomes its owner', () => spec.given([]).when(open(bob)).then([openedBy(bob.subject, 'Bob')]));
    it.each([
      ['an operator', operator],
      ['the payment service', paymentService],
      ['a caller with no role', nobody],
    ])('not %s (403)', (_who, actor) => spec.given([]).when(open(actor)).thenThrows(ForbiddenError, 'forbidden'));
  });

  describe('who may deposit', () => {
    const topUp = (actor: Actor) => cmd('DepositMoney', { accountId, amount: 500, currency: 'EUR' }, actor);
    const refundAs = (actor: Actor) => cmd('DepositMoney', { accountId, amount: 300, currency: 'EUR', refundOf: 'ord-1' }, actor);
    const paid: AccountEvent = { type: 'MoneyWithdrawn', data: { accountId, amount: 300, currency: 'EUR', description: null, withdrawnAt: now, orderId: 'ord-1' } };

    it('the owner, into their own account', () => spec.given([opened]).when(topUp(ada)).then([deposited(500)]));
    it('not another customer: to them the account does not exist', () => spec.given([opened]).when(topUp(bob)).thenThrows(NotFoundError, 'not_found'));
    it('answers another customer exactly as it answers an account that was never opened', () => {
      const refusal = (events: readonly AccountEvent[]): unknown => {
        try {
          accountDecider.decide(topUp(bob), events.reduce(accountDecider.evolve, accountDecider.initialState));
        } catch (error) {
          return { type: (error as Error).constructor, message: (error as Error).message };
        }
        return undefined;
      };
      expect(refusal([opened])).toEqual(refusal([]));
    });
    it('an operator, into anyone’s account', () => spec.given([opened]).when(topUp(operator)).then([deposited(500)]));
    it('an operator, into an account opened before owners were recorded', () => spec.given([openedBeforeOwners]).when(topUp(operator)).then([deposited(500)]));
    it('not an operator into an account that was never opened', () => spec.given([]).when(topUp(operator)).thenThrows(NotFoundError, 'not_found'));
    it('not the payment service, except to refund an order (403)', () => spec.given([opened]).when(topUp(paymentService)).thenThrows(ForbiddenError, 'forbidden'));
    it('not a caller with no role (403)', () => spec.given([opened]).when(topUp(nobody)).thenThrows(ForbiddenError, 'forbidden'));

    it('a refund of an order: the payment service', () => spec.given([opened, deposited(500), paid]).when(refundAs(paymentService)).then([
      { type: 'MoneyDeposited', data: { accountId, amount: 300, currency: 'EUR', description: null, depositedAt: now, refundOf: 'ord-1' } },
    ]));
    it.each([
      ['the owner', ada],
      ['an operator', operator],
    ])('a refund of an order: not %s (403)', (_who, actor) => spec.given([opened, deposited(500), paid]).when(refundAs(actor)).thenThrows(ForbiddenError, 'forbidden'));
  });

  describe('who may withdraw', () => {
    const takeOut = (actor: Actor) => cmd('WithdrawMoney', { accountId, amount: 100, currency: 'EUR' }, actor);
    const payOrder = (customerId: string | undefined, actor = paymentService) =>
      cmd('WithdrawMoney', { accountId, amount: 100, currency: 'EUR', orderId: 'ord-1', ...(customerId === undefined ? {} : { customerId }) }, actor);
    const paid: AccountEvent = { type: 'MoneyWithdrawn', data: { accountId, amount: 100, currency: 'EUR', description: null, withdrawnAt: now, orderId: 'ord-1' } };

    it('the owner, from their own account', () => spec.given([opened, deposited(500)]).when(takeOut(ada)).then([withdrawn(100)]));
    it('not another customer: to them the account does not exist', () => spec.given([opened, deposited(500)]).when(takeOut(bob)).thenThrows(NotFoundError, 'not_found'));
    it('not the owner paying an order: only the payment service pays orders (403)', () =>
      spec.given([opened, deposited(500)]).when(payOrder(ada.subject, ada)).thenThrows(ForbiddenError, 'forbidden'));
    it('not an operator, even from an account with money in it (403)', () => spec.given([opened, deposited(500)]).when(takeOut(operator)).thenThrows(ForbiddenError, 'forbidden'));
    it('not an operator paying an order (403)', () => spec.given([opened, deposited(500)]).when(payOrder(ada.subject, operator)).thenThrows(ForbiddenError, 'forbidden'));
    it('not a caller with no role (403)', () => spec.given([opened, deposited(500)]).when(takeOut(nobody)).thenThrows(ForbiddenError, 'forbidden'));

    it('the payment service, paying an order of the account’s owner', () => spec.given([opened, deposited(500)]).when(payOrder(ada.subject)).then([paid]));
    it('not the payment service for an order of another customer', () =>
      spec.given([opened, deposited(500)]).when(payOrder(bob.subject)).thenThrows(IllegalStateError, 'not_account_owner'));
    it('not the payment service without an order', () => spec.given([opened, deposited(500)]).when(takeOut(paymentService)).thenThrows(ForbiddenError, 'forbidden'));
    it('not the payment service without the order’s customer', () => spec.given([opened, deposited(500)]).when(payOrder(undefined)).thenThrows(ForbiddenError, 'forbidden'));
    it('not the payment service from an account that was never opened', () => spec.given([]).when(payOrder(ada.subject)).thenThrows(NotFoundError, 'not_found'));
  });

  describe('an account opened before owners were recorded', () => {
    const customerWithSameName: Actor = { subject: 'cust-ada-2', roles: ['customer'] };

    it.each([
      ['a deposit', cmd('DepositMoney', { accountId, amount: 1, currency: 'EUR' }, customerWithSameName)],
      ['a withdrawal', cmd('WithdrawMoney', { accountId, amount: 1, currency: 'EUR' }, customerWithSameName)],
    ])('does not exist to any customer: %s', (_what, command) => spec.given([openedBeforeOwners, deposited(500)]).when(command).thenThrows(NotFoundError, 'not_found'));
    it('pays no order: no customer owns it', () =>
      spec
        .given([openedBeforeOwners, deposited(500)])
        .when(cmd('WithdrawMoney', { accountId, amount: 1, currency: 'EUR', orderId: 'ord-1', customerId: customerWithSameName.subject }, paymentService))
        .thenThrows(IllegalStateError, 'not_account_owner'));
  });
});
