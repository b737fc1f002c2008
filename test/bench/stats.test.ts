import { describe, expect, it } from 'vitest';
import { median, percentile, summarize } from '../../bench/stats.ts';

describe('latency statistics for the benchmark', () => {
  it('takes the middle sample of an odd count and the mean of the two middle ones of an even count', () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('reads p99 by nearest rank: of 100 samples the 99th smallest, of 50 the largest', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100…1, unsorted on purpose
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 50)).toBe(50);
    const fifty = Array.from({ length: 50 }, (_, i) => i + 1);
    expect(percentile(fifty, 99)).toBe(50);
  });

  it('summarizes without reordering the caller’s samples', () => {
    const samples = [30, 10, 20];
    expect(summarize(samples)).toEqual({ n: 3, median: 20, p99: 30, max: 30 });
    expect(samples).toEqual([30, 10, 20]);
  });

  it('refuses an empty sample set and a percentile outside (0, 100]', () => {
    expect(() => median([])).toThrow(RangeError);
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});
