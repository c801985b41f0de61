import type { AccountEvent } from './account.events.js';
import { isCurrencyCode, isMinorUnits } from './money.js';
import type { OrderEvent } from './order.events.js';

export type KnownEvent = AccountEvent | OrderEvent;
export type KnownEventType = KnownEvent['type'];

/** The schema version each event type is written with today. */
export const CURRENT_SCHEMA_VERSION: Readonly<Record<KnownEventType, number>> = {
  AccountOpened: 2,
  MoneyDeposited: 1,
  MoneyWithdrawn: 1,
  OrderCreated: 1,
  OrderCancelled: 1,
  OrderShipped: 1,
  OrderPaid: 1,
  OrderRefunded: 1,
};

export const isKnownEventType = (type: string): type is KnownEventType =>
  Object.prototype.hasOwnProperty.call(CURRENT_SCHEMA_VERSION, type);

type Check = (data: Record<string, unknown>) => string[];

const str = (field: string): Check => (d) => (typeof d[field] === 'string' && d[field] !== '' ? [] : [`${field} must be a non-empty string`]);
const nullableStr = (field: string): Check => (d) => (d[field] === null || typeof d[field] === 'string' ? [] : [`${field} must be a string or null`]);
const optionalStr = (field: string): Check => (d) =>
  d[field] === undefined || d[field] === null || (typeof d[field] === 'string' && d[field] !== '') ? [] : [`${field} must be a non-empty string, null or absent`];
const isoDate = (field: string): Check => (d) =>
  typeof d[field] === 'string' && !Number.isNaN(Date.parse(d[field])) ? [] : [`${field} must be an ISO-8601 date`];
const positive = (field: string): Check => (d) =>
  isMinorUnits(d[field]) && d[field] > 0 ? [] : [`${field} must be a positive integer of minor units`];
const currency: Check = (d) => (isCurrencyCode(d['currency']) ? [] : ['currency must be an ISO-4217 code']);
const lineItems: Check = (d) => {
  const items = d['items'];
  if (!Array.isArray(items) || items.length === 0) return ['items must be a non-empty array'];
  return items.flatMap((item: unknown, i) => {
    if (typeof item !== 'object' || item === null) return [`items[${i}] must be an object`];
    const it = item as Record<string, unknown>;
    return [
      ...str('sku')(it),
      ...str('name')(it),
      ...(Number.isSafeInteger(it['quantity']) && (it['quantity'] as number) > 0 ? [] : ['quantity must be a positive integer']),
      ...(isMinorUnits(it['unitPrice']) && (it['unitPrice']) >= 0 ? [] : ['unitPrice must be a non-negative integer']),
    ].map((p) => `items[${i}].${p}`);
  });
};

const SCHEMAS: Readonly<Record<KnownEventType, readonly Check[]>> = {
  AccountOpened: [str('accountId'), str('ownerName'), currency, isoDate('openedAt'), nullableStr('ownerId')],
  MoneyDeposited: [str('accountId'), positive('amount'), currency, nullableStr('description'), isoDate('depositedAt'), optionalStr('refundOf')],
  MoneyWithdrawn: [str('accountId'), positive('amount'), currency, nullableStr('description'), isoDate('withdrawnAt'), optionalStr('orderId')],
  OrderCreated: [str('orderId'), str('customerId'), str('accountId'), currency, lineItems, positive('total'), isoDate('createdAt')],
  OrderCancelled: [str('orderId'), str('reason'), isoDate('cancelledAt')],
  OrderShipped: [str('orderId'), isoDate('shippedAt')],
  OrderPaid: [str('orderId'), str('accountId'), positive('amount'), isoDate('paidAt')],
  OrderRefunded: [str('orderId'), str('accountId'), positive('amount'), isoDate('refundedAt')],
};

/** Problems with an event's payload at its current schema version; empty when valid. */
export const payloadProblems = (type: KnownEventType, data: unknown): string[] => {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return ['data must be an object'];
  return SCHEMAS[type].flatMap((check) => check(data as Record<string, unknown>));
};
