import { tooDeeplyNested } from './json-nesting.middleware.js';

const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

describe('JSON nesting limit', () => {
  it('allows objects and arrays up to the limit, counting the body itself', () => {
    expect(tooDeeplyNested({ items: [{ sku: 'S' }] }, 3)).toBeNull();
    expect(tooDeeplyNested({ items: [{ sku: 'S' }] }, 2)).toBe('items');
    expect(tooDeeplyNested({ a: 1, b: 'x', c: null }, 1)).toBeNull();
  });

  it('names the top-level field that goes too deep, or the body when it is an array', () => {
    expect(tooDeeplyNested({ ownerName: 'A', currency: nested(32) }, 32)).toBe('currency');
    expect(tooDeeplyNested(nested(33), 32)).toBe('body');
    expect(tooDeeplyNested(nested(32), 32)).toBeNull();
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    expect(tooDeeplyNested({ deep: nested(100_000) }, 32)).toBe('deep');
  });
});
