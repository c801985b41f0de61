import { topicLag } from './consumer-lag.js';

describe('topicLag', () => {
  it('sums end less committed offset over the partitions', () => {
    expect(topicLag([{ partition: 0, high: '10', low: '0' }, { partition: 1, high: '7', low: '0' }], [{ partition: 0, offset: '4' }, { partition: 1, offset: '7' }])).toBe(6);
  });

  it('counts from the earliest offset kept where the group has committed nothing', () => {
    expect(topicLag([{ partition: 0, high: '10', low: '3' }, { partition: 1, high: '5', low: '0' }], [{ partition: 0, offset: '-1' }])).toBe(12);
  });

  it('never counts below zero (a commit seen before the end offset moved)', () => {
    expect(topicLag([{ partition: 0, high: '10', low: '0' }], [{ partition: 0, offset: '12' }])).toBe(0);
  });
});
