import { z } from 'zod';

/** Parsers of setting values shared by every area: text, URLs, ids, sizes, milliseconds. */
export const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

export const httpUrl = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value.replace(/\/+$/, '')))
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional())
  .optional();

export const userIds = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .transform((value, ctx) => {
    const ids = value.split(',').map((part) => part.trim());
    if (ids.some((id) => !/^[1-9][0-9]{0,15}$/.test(id))) {
      ctx.addIssue({ code: 'custom', message: 'must be comma-separated numeric Telegram user ids' });
      return z.NEVER;
    }
    return ids.map(Number);
  });

/** Group and supergroup ids are negative (`-1001234567890`); a private chat is never listed. */
export const groupChatIds = z
  .string()
  .trim()
  .transform((value, ctx) => {
    if (value === '') return [];
    const ids = value.split(',').map((part) => part.trim());
    if (ids.some((id) => !/^-[1-9][0-9]{0,15}$/.test(id))) {
      ctx.addIssue({ code: 'custom', message: 'must be comma-separated group chat ids (negative numbers)' });
      return z.NEVER;
    }
    return ids.map(Number);
  })
  .optional();

export const megabytes = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : Number(value)))
  .pipe(z.number({ error: 'must be a number of megabytes' }).positive('must be above 0').optional())
  .optional();
/** Milliseconds, a whole number from 0 to 60 000; empty or unset: `fallback`. */
export const millis = (fallback: number) =>
  z
    .string()
    .trim()
    .transform((value) => (value === '' ? String(fallback) : value))
    .pipe(z.string().regex(/^\d{1,5}$/, 'must be a whole number of milliseconds (0 turns it off)'))
    .transform(Number)
    .pipe(z.number().max(60_000, 'must be at most 60000 (one minute)'))
    .optional()
    .transform((value) => value ?? fallback);
