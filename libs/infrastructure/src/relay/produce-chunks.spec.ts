import { chunkByBytes } from './produce-chunks.js';

describe('chunkByBytes', () => {
  const size = (n: number): number => n;

  it('keeps the order and fills each run up to the budget', () => {
    expect(chunkByBytes([4, 3, 3, 5, 1, 1], size, 10)).toEqual([[4, 3, 3], [5, 1, 1]]);
  });

  it('sends an item larger than the budget alone, without holding back the others', () => {
    expect(chunkByBytes([2, 30, 2, 2], size, 10)).toEqual([[2], [30], [2, 2]]);
  });

  it('makes no run of nothing', () => {
    expect(chunkByBytes([], size, 10)).toEqual([]);
  });

  it('splits 300 records of 31 kB into requests under a 900 kB budget', () => {
    const chunks = chunkByBytes(Array.from({ length: 300 }, () => 31_000), size, 900_000);
    expect(chunks.map((c) => c.length)).toEqual([...Array.from({ length: 10 }, () => 29), 10]);
  });
});
