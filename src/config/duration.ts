/**
 * Durations in settings: a whole number with `s`, `m` or `h` (`45s`, `10m`, `2h`), or `0`.
 * Returns milliseconds, or undefined for text that is not a duration.
 *
 * @example
 * parseDuration('10m') // 600000
 * parseDuration('0') // 0
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,9})([smh])?$/.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  if (match[2] === undefined) return amount === 0 ? 0 : undefined;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'];
  return amount * unit;
}
