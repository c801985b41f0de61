import { lagSeconds } from './projector.metrics.js';

const HOUR = 3_600_000;
const NOW = 1_800_000_000_000;

describe('lagSeconds', () => {
  it('is 0 when no event waits, however long ago the last one came', () => {
    expect(lagSeconds({ events: 0, oldestWaitingAt: null }, NOW)).toBe(0);
  });

  it('after an idle hour, is the age of the event that waits, not of the last one applied', () => {
    expect(lagSeconds({ events: 1, oldestWaitingAt: NOW - 2_500 }, NOW)).toBe(2.5);
    expect(lagSeconds({ events: 3, oldestWaitingAt: NOW - HOUR }, NOW)).toBe(3_600);
  });

  it('is never below 0 (a record stamped by a clock ahead of this one)', () => {
    expect(lagSeconds({ events: 1, oldestWaitingAt: NOW + 500 }, NOW)).toBe(0);
  });
});
