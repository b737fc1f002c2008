import type { Context, MiddlewareFn } from 'grammy';
import type { Logger } from '../logging.ts';

export const STRANGER_REPLY = 'Sorry, this is a private bot.';

/**
 * The first middleware for every kind of update: only users on the allowlist get past it.
 * A stranger's update runs nothing else; it leaves one audit line and, where Telegram expects
 * an answer, a short refusal.
 */
export function allowlist(allowedUserIds: readonly number[], logger: Logger): MiddlewareFn<Context> {
  const allowed = new Set(allowedUserIds);
  return async (ctx, next) => {
    const userId = ctx.from?.id;
    if (userId !== undefined && allowed.has(userId)) return next();

    const kind = Object.keys(ctx.update).find((key) => key !== 'update_id') ?? 'unknown';
    logger.warn(
      { audit: 'refused', userId, username: ctx.from?.username, chatId: ctx.chat?.id, updateKind: kind },
      'update from a user not in ALLOWED_USER_IDS refused',
    );
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: STRANGER_REPLY });
      else if (ctx.message && ctx.chat?.type === 'private') await ctx.reply(STRANGER_REPLY);
    } catch (error) {
      logger.debug({ err: error }, 'could not send the refusal');
    }
  };
}
