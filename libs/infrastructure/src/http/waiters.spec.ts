import { streamOfPath } from './admission.middleware.js';
import { TooManyWaitersError, Waiters } from './waiters.js';

describe('Waiters', () => {
  it('wakes every waiter of a key at once, and only those', async () => {
    const waiters = new Waiters(10);
    let woken = 0;
    const a = waiters.wait('k', 10_000).then(() => woken++);
    const b = waiters.wait('k', 10_000).then(() => woken++);
    const other = waiters.wait('other', 30);
    waiters.wake('k');
    await Promise.all([a, b]);
    expect(woken).toBe(2);
    expect(waiters.waiting).toBe(1);
    await other;
    expect(waiters.waiting).toBe(0);
  });

  it('refuses beyond its cap, at once', async () => {
    const waiters = new Waiters(1);
    const first = waiters.wait('k', 20);
    await expect(waiters.wait('k', 20)).rejects.toBeInstanceOf(TooManyWaitersError);
    await first;
    await expect(waiters.wait('k', 1)).resolves.toBeUndefined();
  });
});

describe('the stream a request acts on', () => {
  it.each([
    ['/accounts/0b6e1c3a-1d9c-4c6e-9d5e-6b1f1a2b3c4d/deposits', 'account-0b6e1c3a-1d9c-4c6e-9d5e-6b1f1a2b3c4d'],
    ['/orders/0B6E1C3A-1D9C-4C6E-9D5E-6B1F1A2B3C4D/cancel', 'order-0b6e1c3a-1d9c-4c6e-9d5e-6b1f1a2b3c4d'],
    ['/orders', null],
    ['/orders/search', null],
  ])('%s → %s', (path, stream) => expect(streamOfPath(path)).toBe(stream));
});
