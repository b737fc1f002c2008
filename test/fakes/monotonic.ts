/**
 * The machine's monotonic clock in milliseconds, with microsecond precision. Unlike `Date.now()`
 * it never jumps, and every process on the machine reads the same clock (CLOCK_MONOTONIC), so
 * stamps taken by the fakes, the benchmark and its CLI relay can be subtracted from one another.
 */
export const monotonicMs = (): number => Number(process.hrtime.bigint() / 1_000n) / 1_000;
