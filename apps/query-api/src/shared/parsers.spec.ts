import { BadRequestException } from '@nestjs/common';
import { isRevisionKey } from '../accounts/account.queries.js';
import { parseConsistencyToken } from '../consistency/consistency-token.js';
import { isOrderKey } from '../orders/order.queries.js';
import { decodeCursor, encodeCursor } from './cursor.js';

const id = '0b6f1c2e-4f7a-4d7e-9a43-3f0d8f1f2a10';

describe('consistency token', () => {
  it('parses <category>-<uuid>@<revision> for orders and accounts', () => {
    expect(parseConsistencyToken(`order-${id}@3`)).toEqual({ streamId: `order-${id}`, category: 'order', id, revision: 3 });
    expect(parseConsistencyToken(`account-${id}@0`)).toEqual({ streamId: `account-${id}`, category: 'account', id, revision: 0 });
  });

  it.each([
    ['no revision', `order-${id}`],
    ['empty revision', `order-${id}@`],
    ['negative revision', `order-${id}@-1`],
    ['fractional revision', `order-${id}@1.5`],
    ['revision beyond 2^53', `order-${id}@9999999999999999`],
    ['unknown category', `invoice-${id}@1`],
    ['id not a uuid', 'order-42@1'],
    ['no stream', '@1'],
    ['no category', `${id}@1`],
  ])('rejects %s', (_, raw) => {
    expect(parseConsistencyToken(raw)).toBeNull();
  });
});

describe('cursors', () => {
  it('round-trips the sort key of the last row', () => {
    const key = ['2026-01-02T03:04:05.678Z', id];
    expect(decodeCursor(encodeCursor(key), isOrderKey)).toEqual(key);
    expect(decodeCursor(encodeCursor([41]), isRevisionKey)).toEqual([41]);
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['JSON but not an array', Buffer.from('{"a":1}').toString('base64url')],
    ['a date PostgreSQL would reject', encodeCursor(['2026-02-30T00:00:00.000Z', id])],
    ['a loosely written date', encodeCursor(['1 2 3', id])],
    ['a key of the wrong length', encodeCursor(['2026-01-02T03:04:05.678Z'])],
    ['an over-long order id', encodeCursor(['2026-01-02T03:04:05.678Z', 'x'.repeat(101)])],
  ])('rejects an order cursor that is %s with a 400', (_, cursor) => {
    expect(() => decodeCursor(cursor, isOrderKey)).toThrow(BadRequestException);
  });

  it.each([
    ['a string revision', encodeCursor(['7'])],
    ['a fractional revision', encodeCursor([1.5])],
    ['two values', encodeCursor([1, 2])],
  ])('rejects a statement cursor that is %s with a 400', (_, cursor) => {
    expect(() => decodeCursor(cursor, isRevisionKey)).toThrow(BadRequestException);
  });
});
