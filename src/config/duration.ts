import { z } from 'zod';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

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
  return amount * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/**
 * A duration setting (SPEC.md): `45s`, `10m`, `2h`, or `0` for never; blank means `fallback`.
 * Parsed to milliseconds, 0 meaning never.
 */
export function durationSetting(fallback: string) {
  return z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      const text = value === undefined || value === '' ? fallback : value;
      const ms = parseDuration(text);
      if (ms === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a duration like 45s, 10m or 2h, or 0 (got '${text}')`,
        });
        return z.NEVER;
      }
      return ms;
    });
}
