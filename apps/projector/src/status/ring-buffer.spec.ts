import { RingBuffer } from './ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps the last items, oldest first', () => {
    const ring = new RingBuffer<number>(3);
    ring.push(1);
    ring.push(2);
    expect(ring.toArray()).toEqual([1, 2]);
    for (const n of [3, 4, 5]) ring.push(n);
    expect(ring.toArray()).toEqual([3, 4, 5]);
  });
});
