/** Summary statistics of latency samples (milliseconds). Pure functions. */

export interface Summary {
  n: number;
  median: number;
  /** Nearest-rank 99th percentile: the smallest sample at or above 99 % of all samples. */
  p99: number;
  max: number;
}

/** The middle sample, or the mean of the two middle ones. */
export function median(samples: readonly number[]): number {
  const sorted = sortedCopy(samples);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] as number;
  return ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Nearest-rank percentile: with 100 samples, p99 is the 99th smallest (the second largest). */
export function percentile(samples: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const sorted = sortedCopy(samples);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1] as number;
}

export function summarize(samples: readonly number[]): Summary {
  return {
    n: samples.length,
    median: median(samples),
    p99: percentile(samples, 99),
    max: Math.max(...samples),
  };
}

function sortedCopy(samples: readonly number[]): number[] {
  if (samples.length === 0) throw new RangeError('no samples');
  return [...samples].sort((a, b) => a - b);
}
