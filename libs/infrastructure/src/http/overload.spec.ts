import { fromOverload, fromUnavailableDatabase } from './overload.js';
import { TooManyWaitersError } from './waiters.js';

const pgError = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });

describe('answers to a process at its bounds or a database gone', () => {
  it('too many waiters: 503 overloaded', () => expect(fromOverload(new TooManyWaitersError('1000 waiting'))).toMatchObject({ statusCode: 503, error: 'overloaded' }));
  it.each([
    ['administrator shutdown', pgError('57P01')],
    ['server starting up', pgError('57P03')],
    ['connection refused', pgError('ECONNREFUSED')],
    ['connection terminated', new Error('Connection terminated unexpectedly')],
    ['pool timeout', new Error('timeout exceeded when trying to connect')],
  ])('%s: 503 database_unavailable', (_, error) => expect(fromUnavailableDatabase(error)).toMatchObject({ statusCode: 503, error: 'database_unavailable' }));
  it('anything else is not theirs to answer', () => {
    expect(fromUnavailableDatabase(pgError('23505'))).toBeNull();
    expect(fromUnavailableDatabase(new Error('bug'))).toBeNull();
    expect(fromOverload(new Error('bug'))).toBeNull();
  });
});
