import type { OrderCreated } from '#events';
import type { Workflow } from '#eventsourcing';
import type { AccountCommand } from '../account/account.commands.js';
import type { OrderCommand } from '../order/order.commands.js';
import type { Actor } from '../shared/actor.js';
import { IllegalStateError } from '../shared/errors.js';

/** The commands the payment saga sends, each a step with a name its event ids derive from. */
export type PaymentStep = 'pay' | 'mark-paid' | 'cancel-unpaid' | 'timeout' | 'refund' | 'record-refund';

/**
 * awaiting_payment → paid (→ refunded); or → payment_failed / timed_out / cancelled: never a payment
 * left behind. refund_failed: the account refused to take the money back (its balance limit, say);
 * it needs a person, and `sagas list` shows it.
 */
export type PaymentStatus = 'awaiting_payment' | 'paid' | 'payment_failed' | 'timed_out' | 'cancelled' | 'refunded' | 'refund_failed';

export type Payment =
  | { readonly status: 'none' }
  | {
      readonly status: PaymentStatus;
      readonly orderId: string;
      /** The order's customer, who must own the account it is paid from. */
      readonly customerId: string;
      readonly accountId: string;
      readonly amount: number;
      readonly currency: string;
      readonly deadline: string;
      readonly reason: string | null;
    };

/**
 * What the saga hears: order events, the timeout sweep, and the outcome of each command it sent
 * (`Done` with how many events it appended, 0 when it had happened already; `Refused` with the
 * domain rule's code). `at` is when it was heard: commands are decided at that time.
 */
export type PaymentInput =
  | { readonly type: 'OrderCreated'; readonly order: OrderCreated['data']; readonly at: string }
  | { readonly type: 'OrderCancelled'; readonly orderId: string; readonly at: string }
  | { readonly type: 'PaymentOverdue'; readonly orderId: string; readonly at: string }
  | { readonly type: 'Done'; readonly step: PaymentStep; readonly appended: number; readonly at: string }
  | { readonly type: 'Refused'; readonly step: PaymentStep; readonly code: string; readonly at: string };

export type PaymentSend =
  | { readonly step: PaymentStep; readonly to: 'account'; readonly command: AccountCommand }
  | { readonly step: PaymentStep; readonly to: 'order'; readonly command: OrderCommand };

type Started = Exclude<Payment, { status: 'none' }>;

/** When a command is decided, and for whom: the payment service. */
interface Sending {
  readonly at: string;
  readonly actor: Actor;
}

const toAccount = (step: PaymentStep, { at, actor }: Sending, command: Omit<AccountCommand, 'metadata'>): PaymentSend =>
  ({ step, to: 'account', command: { ...command, metadata: { now: at, actor } } }) as PaymentSend;
const toOrder = (step: PaymentStep, { at, actor }: Sending, command: Omit<OrderCommand, 'metadata'>): PaymentSend =>
  ({ step, to: 'order', command: { ...command, metadata: { now: at, actor } } }) as PaymentSend;

/** The withdrawal names the order's customer: the account refuses it unless that customer owns it. */
const pay = (p: Started, s: Sending): PaymentSend =>
  toAccount('pay', s, {
    type: 'WithdrawMoney',
    data: { accountId: p.accountId, amount: p.amount, currency: p.currency, orderId: p.orderId, customerId: p.customerId, description: `Payment of order ${p.orderId}` },
  });
const refund = (p: Started, s: Sending): PaymentSend =>
  toAccount('refund', s, { type: 'DepositMoney', data: { accountId: p.accountId, amount: p.amount, currency: p.currency, refundOf: p.orderId, description: `Refund of order ${p.orderId}` } });
const markPaid = (p: Started, s: Sending): PaymentSend => toOrder('mark-paid', s, { type: 'MarkOrderPaid', data: { orderId: p.orderId } });
const recordRefund = (p: Started, s: Sending): PaymentSend => toOrder('record-refund', s, { type: 'RecordOrderRefund', data: { orderId: p.orderId } });
const cancelUnpaid = (step: 'cancel-unpaid' | 'timeout', p: Started, s: Sending, reason: string): PaymentSend =>
  toOrder(step, s, { type: 'CancelOrder', data: { orderId: p.orderId, reason, unlessPaid: true } });
const timeOut = (p: Started, s: Sending): PaymentSend => cancelUnpaid('timeout', p, s, 'payment timed out');

/** The deadline runs from when the saga hears of the order, so a lag in the pipeline does not cancel orders. */
const started = (order: OrderCreated['data'], at: string, timeoutMs: number): Started => ({
  status: 'awaiting_payment',
  orderId: order.orderId,
  customerId: order.customerId,
  accountId: order.accountId,
  amount: order.total,
  currency: order.currency,
  deadline: new Date(Date.parse(at) + timeoutMs).toISOString(),
  reason: null,
});

/** What an account answers a refund of an order it never paid. */
const NEVER_PAID: ReadonlySet<string> = new Set(['nothing_to_refund', 'not_found']);

const cannotGoOn = (step: PaymentStep, code: string): never => {
  throw new IllegalStateError(code, `The payment saga cannot go on: its ${step} step was refused (${code})`);
};

/** What a command's outcome leads to. */
const next = (input: Extract<PaymentInput, { type: 'Done' | 'Refused' }>, p: Started, actor: Actor): PaymentSend[] => {
  const s = { at: input.at, actor };
  if (input.type === 'Refused') {
    if (input.step === 'pay') return [cancelUnpaid('cancel-unpaid', p, s, `payment failed: ${input.code}`)];
    if (input.step === 'mark-paid' && input.code === 'order_cancelled') return [refund(p, s)]; // cancelled while being paid
    if (input.step === 'refund') return []; // never paid: nothing to give back; or refused: refund_failed
    return cannotGoOn(input.step, input.code);
  }
  switch (input.step) {
    case 'pay':
      return [markPaid(p, s)];
    case 'timeout':
      // Not cancelled: the order is paid, or someone else cancelled it. Marking it paid tells which.
      return input.appended > 0 ? [refund(p, s)] : [markPaid(p, s)];
    case 'refund':
      return [recordRefund(p, s)];
    case 'mark-paid':
    case 'cancel-unpaid':
    case 'record-refund':
      return [];
    default: {
      const unknown: never = input.step;
      return unknown;
    }
  }
};

/**
 * The order payment saga's rules. On OrderCreated it withdraws the order's total from its account,
 * referencing the order, then marks the order paid. A refused withdrawal cancels the order with the
 * reason. An order cancelled after it was paid gets its money back (the compensation), and so does
 * one cancelled while it was being paid. A payment not done by the deadline cancels the order, and
 * a payment that went through anyway is given back. Every command is safe to send again: the
 * account and the order refuse to pay, refund or mark anything twice. Its commands are sent as
 * `actor`, the payment service; the account checks that the order's customer owns it.
 */
export const paymentWorkflow = (timeoutMs: number, actor: Actor): Workflow<PaymentInput, Payment, PaymentSend> => ({
  initialState: { status: 'none' },

  decide: (input, state) => {
    switch (input.type) {
      case 'OrderCreated': {
        if (state.status !== 'none' && state.status !== 'awaiting_payment') return []; // settled already: a redelivery
        const p = state.status === 'none' ? started(input.order, input.at, timeoutMs) : state;
        const s = { at: input.at, actor };
        return Date.parse(input.at) > Date.parse(p.deadline) ? [timeOut(p, s)] : [pay(p, s)];
      }
      case 'OrderCancelled':
        return state.status === 'none' || state.status === 'refunded' ? [] : [refund(state, { at: input.at, actor })];
      case 'PaymentOverdue':
        return state.status === 'awaiting_payment' ? [timeOut(state, { at: input.at, actor })] : [];
      case 'Done':
      case 'Refused':
        return state.status === 'none' ? [] : next(input, state, actor);
      default: {
        const unknown: never = input;
        return unknown;
      }
    }
  },

  evolve: (state, input) => {
    if (input.type === 'OrderCreated') return state.status === 'none' ? started(input.order, input.at, timeoutMs) : state;
    if (state.status === 'none') return state;
    if (input.type === 'Refused' && input.step === 'pay') return { ...state, status: 'payment_failed', reason: input.code };
    if (input.type === 'Refused' && input.step === 'refund') {
      if (!NEVER_PAID.has(input.code)) return { ...state, status: 'refund_failed', reason: input.code };
      return state.status === 'awaiting_payment' ? { ...state, status: 'cancelled' } : state;
    }
    if (input.type !== 'Done') return state;
    if (input.step === 'mark-paid') return { ...state, status: 'paid' };
    if (input.step === 'timeout') return { ...state, status: 'timed_out', reason: 'payment timed out' };
    if (input.step === 'record-refund') return { ...state, status: 'refunded' };
    return state;
  },
});
