import { ForbiddenException } from '@nestjs/common';
import type { Principal, Role } from '#infra/auth/principal';
import { mayRead, ownerFilter, readerOf } from './reader.js';

const caller = (...roles: Role[]): Principal => ({ subject: 'subject-alice', client: 'ledger-cli', roles, username: 'alice' });

describe('who reads the read models', () => {
  it('a customer reads what their subject owns', () => {
    const reader = readerOf(caller('customer'));
    expect(reader).toEqual({ kind: 'customer', subject: 'subject-alice' });
    expect(ownerFilter(reader)).toBe('subject-alice');
    expect([mayRead(reader, 'subject-alice'), mayRead(reader, 'subject-bob'), mayRead(reader, null)]).toEqual([true, false, false]);
  });

  it('an operator reads everything, also when they are a customer too', () => {
    for (const reader of [readerOf(caller('operator')), readerOf(caller('customer', 'operator'))]) {
      expect(reader).toEqual({ kind: 'operator' });
      expect(ownerFilter(reader)).toBeNull();
      expect([mayRead(reader, 'subject-bob'), mayRead(reader, null)]).toEqual([true, true]);
    }
  });

  it.each([
    ['the payment service', caller('payment-service')],
    ['a token with none of the roles', caller()],
  ])('%s reads nothing: 403, whatever the target', (_, who) => {
    expect(() => readerOf(who)).toThrow(ForbiddenException);
  });
});
