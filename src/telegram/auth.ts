import type { Context, MiddlewareFn } from 'grammy';
import type { Logger } from '../logging.ts';
import { decideChat, GroupNotices, type UpdateOrigin, unlistedGroupNotice } from './chat-policy.ts';

export const STRANGER_REPLY = 'Sorry, this is a private bot.';

/** Who the bot obeys (ALLOWED_USER_IDS), and in which groups (ALLOWED_CHAT_IDS; none by default). */
export interface AccessSettings {
  allowedUserIds: readonly number[];
  allowedChatIds?: readonly number[];
}

/**
 * The gate every kind of update passes before any feature runs (chat-policy.ts decides): allowed
 * users in private chats and in listed groups get past it. Nothing else runs, spawns or writes:
 * a stranger leaves an audit line and, in a private chat or on a button, a short refusal; a group
 * that is not listed hears once why the bot stays silent; channel posts are ignored.
 */
export function allowlist(
  access: AccessSettings,
  logger: Logger,
  notices: GroupNotices = new GroupNotices(),
): MiddlewareFn<Context> {
  const policy = {
    allowedUserIds: new Set(access.allowedUserIds),
    allowedChatIds: new Set(access.allowedChatIds ?? []),
  };
  return async (ctx, next) => {
    const verdict = decideChat(originOf(ctx), policy);
    if (verdict.kind === 'obey') return next();

    const kind = Object.keys(ctx.update).find((key) => key !== 'update_id') ?? 'unknown';
    const audit = {
      userId: ctx.from?.id,
      username: ctx.from?.username,
      chatId: ctx.chat?.id,
      updateKind: kind,
    };
    try {
      switch (verdict.kind) {
        case 'stranger':
          logger.warn({ audit: 'refused', ...audit }, 'update from a user not in ALLOWED_USER_IDS refused');
          // In a listed group a text refusal would disturb everyone: only a pressed button hears it.
          if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: STRANGER_REPLY });
          else if (verdict.tell && ctx.message && ctx.chat?.type === 'private')
            await ctx.reply(STRANGER_REPLY);
          return;
        case 'unlisted-group':
          logger.warn(
            { audit: 'unlisted-group', ...audit },
            'update from a group not in ALLOWED_CHAT_IDS ignored',
          );
          if (notices.firstTime(verdict.chatId))
            await ctx.api.sendMessage(verdict.chatId, unlistedGroupNotice(verdict.chatId));
          return;
        case 'channel':
          logger.info({ audit: 'channel', ...audit }, 'channel post ignored');
          return;
      }
    } catch (error) {
      logger.debug({ err: error }, 'could not send the refusal');
    }
  };
}

function originOf(ctx: Context): UpdateOrigin {
  const type = ctx.chat?.type;
  return {
    userId: ctx.from?.id,
    chatId: ctx.chat?.id,
    chatType:
      type === 'private' || type === 'group' || type === 'supergroup' || type === 'channel'
        ? type
        : undefined,
  };
}
