import { lagSeconds } from './projector.metrics.js';

describe('lagSeconds', () => {
  it('is 0 when no event waits, however old the last applied one', () => {
    expect(lagSeconds(0, 0, 1_000_000)).toBe(0);
  });

  it('is the age of the last applied event while events wait', () => {
    expect(lagSeconds(5, 10_000, 12_500)).toBe(2.5);
  });

  it('is unknown while events wait and none was applied yet', () => {
    expect(lagSeconds(5, null, 12_500)).toBeNull();
  });
});
