// How delivery tells a refused request (give up or try a simpler form) from a failure. Retrying
// failures is not delivery's job: the api's transformers own it (see ../api.ts).
import { GrammyError } from 'grammy';
import type { Logger } from '../../logging.ts';

/** A Telegram refusal of this particular request (bad markup, blocked bot, …): retrying won't help. */
export const isRefusal = (error: unknown): error is GrammyError =>
  error instanceof GrammyError &&
  error.error_code >= 400 &&
  error.error_code < 500 &&
  error.error_code !== 429;

export const isNotModified = (error: unknown): boolean =>
  error instanceof GrammyError && error.description.includes('message is not modified');

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const NO_PREVIEW = { link_preview_options: { is_disabled: true } } as const;

/** Runs a call, turning a Telegram refusal into undefined (logged); other errors propagate. */
export async function refusedAsUndefined<T>(
  logger: Logger,
  what: string,
  call: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (!isRefusal(error)) throw error;
    logger.warn({ what, error: error.description }, 'telegram refused the request');
    return undefined;
  }
}
