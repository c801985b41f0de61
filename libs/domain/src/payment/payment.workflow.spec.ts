import type { OrderCreated } from '#events';
import { workflowSpec } from '#eventsourcing/testing';
import type { Actor } from '../shared/actor.js';
import { IllegalStateError } from '../shared/errors.js';
import { paymentWorkflow, type PaymentInput, type PaymentSend, type PaymentStep } from './payment.workflow.js';

const createdAt = '2026-11-24T10:00:00.000Z';
const soon = '2026-11-24T10:00:01.000Z';
const late = '2026-11-24T10:05:00.000Z'; // past the one-minute deadline
const order: OrderCreated['data'] = {
  orderId: 'ord-1', customerId: 'c-1', accountId: 'acc-1', currency: 'EUR', total: 300,
  items: [{ sku: 'S', name: 'Thing', quantity: 1, unitPrice: 300 }], createdAt,
};
const paymentService: Actor = { subject: 'svc-payments', roles: ['payment-service'] };
const spec = workflowSpec(paymentWorkflow(60_000, paymentService));

const created = (at = soon): PaymentInput => ({ type: 'OrderCreated', order, at });
const cancelled: PaymentInput = { type: 'OrderCancelled', orderId: 'ord-1', at: soon };
const overdue: PaymentInput = { type: 'PaymentOverdue', orderId: 'ord-1', at: late };
const done = (step: PaymentStep, appended = 1, at = soon): PaymentInput => ({ type: 'Done', step, appended, at });
const refused = (step: PaymentStep, code: string): PaymentInput => ({ type: 'Refused', step, code, at: soon });

const at = (now: string) => ({ metadata: { now, actor: paymentService } });
const pay = (now = soon, customerId = 'c-1'): PaymentSend => ({
  step: 'pay', to: 'account',
  command: { type: 'WithdrawMoney', data: { accountId: 'acc-1', amount: 300, currency: 'EUR', orderId: 'ord-1', customerId, description: 'Payment of order ord-1' }, ...at(now) },
});
const refund = (now = soon): PaymentSend => ({
  step: 'refund', to: 'account',
  command: { type: 'DepositMoney', data: { accountId: 'acc-1', amount: 300, currency: 'EUR', refundOf: 'ord-1', description: 'Refund of order ord-1' }, ...at(now) },
});
const markPaid = (now = soon): PaymentSend => ({ step: 'mark-paid', to: 'order', command: { type: 'MarkOrderPaid', data: { orderId: 'ord-1' }, ...at(now) } });
const recordRefund: PaymentSend = { step: 'record-refund', to: 'order', command: { type: 'RecordOrderRefund', data: { orderId: 'ord-1' }, ...at(soon) } };
const cancelOrder = (step: 'cancel-unpaid' | 'timeout', reason: string, now: string): PaymentSend =>
  ({ step, to: 'order', command: { type: 'CancelOrder', data: { orderId: 'ord-1', reason, unlessPaid: true }, ...at(now) } });
const saga = { orderId: 'ord-1', customerId: 'c-1', accountId: 'acc-1', amount: 300, currency: 'EUR', deadline: '2026-11-24T10:01:01.000Z', reason: null };

describe('the payment saga', () => {
  describe('paying an order', () => {
    it('withdraws the total from the order’s account, referencing the order', () => spec.given([]).when(created()).then([pay()]));
    it('starts awaiting payment, with a deadline one timeout after it heard of the order', () =>
      spec.given([]).when(created()).thenState({ status: 'awaiting_payment', ...saga }));
    it('pays an order it hears of late: a lag in the pipeline does not cancel orders', () =>
      spec.given([]).when(created(late)).then([pay(late)]));
    it('marks the order paid once the money is withdrawn', () => spec.given([created()]).when(done('pay')).then([markPaid()]));
    it('marks it paid also when the withdrawal had happened already (a redelivery)', () => spec.given([created()]).when(done('pay', 0)).then([markPaid()]));
    it('is paid once the order is marked paid', () =>
      spec.given([created(), done('pay')]).when(done('mark-paid')).thenState({ status: 'paid', ...saga }));
    it('pays again after a crash before it settled: the account refuses to pay an order twice', () =>
      spec.given([created()]).when(created()).then([pay()]));
    it('does nothing for a redelivered OrderCreated once settled', () => spec.given([created(), done('pay'), done('mark-paid')]).when(created()).then([]));
  });

  describe('a refused payment', () => {
    it('cancels the order with the reason', () =>
      spec.given([created()]).when(refused('pay', 'insufficient_funds')).then([cancelOrder('cancel-unpaid', 'payment failed: insufficient_funds', soon)]));
    it('fails the payment with the account’s code', () =>
      spec.given([created()]).when(refused('pay', 'not_found')).thenState({ status: 'payment_failed', ...saga, reason: 'not_found' }));
    it('cancels the order when the account does not belong to the order’s customer', () =>
      spec.given([created()]).when(refused('pay', 'not_account_owner')).then([cancelOrder('cancel-unpaid', 'payment failed: not_account_owner', soon)]));
    it('fails the payment with not_account_owner', () =>
      spec.given([created()]).when(refused('pay', 'not_account_owner')).thenState({ status: 'payment_failed', ...saga, reason: 'not_account_owner' }));
  });

  describe('the order’s customer', () => {
    const bobsOrder: PaymentInput = { type: 'OrderCreated', order: { ...order, customerId: 'c-2' }, at: soon };

    it('is named in the withdrawal: the account pays only for its owner', () =>
      spec.given([]).when(bobsOrder).then([pay(soon, 'c-2')]));
    it('is kept in the saga’s state', () => spec.given([]).when(bobsOrder).thenState({ status: 'awaiting_payment', ...saga, customerId: 'c-2' }));
  });

  describe('the actor its commands are sent as', () => {
    const other: Actor = { subject: 'svc-payments-eu', roles: ['payment-service'] };
    const asOther = workflowSpec(paymentWorkflow(60_000, other));
    const sentAs = (actor: Actor, send: PaymentSend): PaymentSend => ({ ...send, command: { ...send.command, metadata: { ...send.command.metadata, actor } } }) as PaymentSend;

    it.each<[string, PaymentInput[], PaymentInput, PaymentSend]>([
      ['the payment', [], created(), pay()],
      ['marking the order paid', [created()], done('pay'), markPaid()],
      ['cancelling an unpaid order', [created()], refused('pay', 'insufficient_funds'), cancelOrder('cancel-unpaid', 'payment failed: insufficient_funds', soon)],
      ['the timeout', [created()], overdue, cancelOrder('timeout', 'payment timed out', late)],
      ['the refund', [created(), done('pay'), done('mark-paid')], cancelled, refund()],
      ['recording the refund', [created(), done('pay'), cancelled], done('refund'), recordRefund],
    ])('%s is sent as the actor the workflow was given', (_step, given, input, expected) =>
      asOther.given(given).when(input).then([sentAs(other, expected)]));
  });

  describe('cancellation (the compensation)', () => {
    it('gives the money back when the order is cancelled after it was paid', () =>
      spec.given([created(), done('pay'), done('mark-paid')]).when(cancelled).then([refund()]));
    it('gives it back when the order was cancelled while it was being paid', () =>
      spec.given([created(), done('pay')]).when(refused('mark-paid', 'order_cancelled')).then([refund()]));
    it('records the refund on the order once the money is back', () => spec.given([created(), done('pay'), cancelled]).when(done('refund')).then([recordRefund]));
    it('is refunded once the order records it', () =>
      spec.given([created(), done('pay'), done('mark-paid'), cancelled, done('refund')]).when(done('record-refund')).thenState({ status: 'refunded', ...saga }));
    it('does nothing more for a cancellation of a refunded order', () =>
      spec.given([created(), done('pay'), done('mark-paid'), cancelled, done('refund'), done('record-refund')]).when(cancelled).then([]));
    it('is cancelled when the account never paid the order', () =>
      spec.given([created(), cancelled]).when(refused('refund', 'nothing_to_refund')).thenState({ status: 'cancelled', ...saga }));
    it('ignores the cancellation of an order it never saw', () => spec.given([]).when(cancelled).then([]));
    it('stops at refund_failed, with the code, when the account refuses to take the money back', () =>
      spec.given([created(), done('pay'), done('mark-paid'), cancelled]).when(refused('refund', 'balance_limit_exceeded'))
        .thenState({ status: 'refund_failed', ...saga, reason: 'balance_limit_exceeded' }));
    it('sends nothing more after a refused refund', () =>
      spec.given([created(), done('pay'), done('mark-paid'), cancelled]).when(refused('refund', 'balance_limit_exceeded')).then([]));
  });

  describe('the payment deadline', () => {
    it('cancels instead of paying when the order comes again after its deadline', () =>
      spec.given([created()]).when(created(late)).then([cancelOrder('timeout', 'payment timed out', late)]));
    it('cancels an overdue order', () => spec.given([created()]).when(overdue).then([cancelOrder('timeout', 'payment timed out', late)]));
    it('leaves a settled order alone when the sweep comes late', () => spec.given([created(), done('pay'), done('mark-paid')]).when(overdue).then([]));
    it('gives back a payment that went through before the order timed out', () =>
      spec.given([created(), overdue]).when(done('timeout', 1, late)).then([refund(late)]));
    it('times out', () => spec.given([created(), overdue]).when(done('timeout', 1, late)).thenState({ status: 'timed_out', ...saga, reason: 'payment timed out' }));
    it('asks the order whether it is paid when it could not cancel it', () =>
      spec.given([created(), overdue]).when(done('timeout', 0, late)).then([markPaid(late)]));
  });

  it('stops on a refusal it has no rule for', () => spec.given([created(), done('pay')]).when(refused('mark-paid', 'not_found')).thenThrows(IllegalStateError));
});
