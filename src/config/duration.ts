import { z } from 'zod';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

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
      if (text === '0') return 0;
      const match = /^(\d{1,6})(s|m|h)$/.exec(text);
      if (!match) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a duration like 45s, 10m or 2h, or 0 (got '${text}')`,
        });
        return z.NEVER;
      }
      return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
    });
}
