import { Composer, type Context } from 'grammy';
import type { User } from 'grammy/types';
import { parseCallbackData } from '../cards/callback-data.ts';
import type { Decider, PendingCards } from '../cards/pending.ts';
import { NO_LONGER_PENDING } from '../copy/control.ts';

const decider = (user: User): Decider => ({
  id: user.id,
  name: user.username ? `@${user.username}` : user.first_name,
});

/**
 * Presses on the buttons of approval, question and plan cards (`p:` callback data), and typed text
 * meant for a card: a reply to one, or the answer to the one question waiting in the chat. Install
 * before the session commands: text a card takes does not reach Claude as a message. Presses are
 * never ordered behind the chat's messages (ordering.ts): a message handler may be waiting for one.
 */
export function cardCommands(deps: {
  cards: PendingCards;
  /** Sends the whole text behind a trimmed card (`Show full`). */
  sendText: (chatId: number, text: string) => Promise<unknown>;
}): Composer<Context> {
  const { cards } = deps;
  const commands = new Composer<Context>();

  commands.callbackQuery(/^p:/, async (ctx) => {
    const parsed = parseCallbackData(ctx.callbackQuery.data);
    const result = parsed
      ? cards.press(parsed.id, parsed.action, decider(ctx.from))
      : { kind: 'stale' as const };
    if (result.kind === 'stale') {
      await ctx.answerCallbackQuery({ text: NO_LONGER_PENDING }).catch(() => undefined);
      return;
    }
    // After a turn of the event loop: a decision reaches Claude Code before the button stops spinning.
    await new Promise((resolve) => setImmediate(resolve));
    await ctx.answerCallbackQuery().catch(() => undefined);
    const chatId = ctx.chat?.id;
    if (result.kind === 'show_full' && chatId !== undefined) await deps.sendText(chatId, result.text);
  });

  commands.on('message:text', async (ctx, next) => {
    const text = ctx.message.text;
    const isCommand = ctx.message.entities?.some(
      (entity) => entity.type === 'bot_command' && entity.offset === 0,
    );
    if (isCommand) return next();
    const by = decider(ctx.from);
    const repliedTo = ctx.message.reply_to_message?.message_id;
    if (repliedTo !== undefined && cards.reply(ctx.chat.id, repliedTo, text, by).kind !== 'not_a_card')
      return;
    const questions = cards.waitingIn(ctx.chat.id).filter((card) => card.kind === 'question');
    const [only] = questions;
    if (
      repliedTo === undefined &&
      only &&
      questions.length === 1 &&
      cards.answer(only.id, text, by).kind === 'settled'
    )
      return;
    return next();
  });

  return commands;
}
