import { Composer, type Context, InlineKeyboard } from 'grammy';
import type { SessionPreferences } from '../../sessions/preferences.ts';
import type { AnswerKeeper } from '../answers.ts';
import {
  MODEL_ALIASES,
  MODEL_USAGE,
  modelText,
  NO_ACTIVE_SESSION,
  noLastAnswerText,
  outputModeText,
} from '../copy/output.ts';
import type { Delivery } from '../delivery.ts';

/** callback_data prefix of the `/model` buttons; ordered with the chat's messages (ordering.ts). */
export const MODEL_PREFIX = 'model:';

/** A model alias or a full model id (`claude-sonnet-4-5-20250929`, `anthropic/…`): no spaces, ≤ 100. */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@[\]-]{0,99}$/;

function argument(ctx: Context): string {
  return typeof ctx.match === 'string' ? ctx.match.trim() : '';
}

function modelKeyboard(): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const alias of MODEL_ALIASES) keyboard.text(alias, `${MODEL_PREFIX}${alias}`);
  return keyboard;
}

/** `/verbose`, `/smart`, `/model` and its buttons, `/last`: how the active session's output reaches the chat. */
export function outputCommands(deps: {
  preferences: SessionPreferences;
  keeper: AnswerKeeper;
  delivery: Delivery;
  activeSessionOf: (chatId: number) => Promise<string | undefined>;
}): Composer<Context> {
  const { preferences, keeper, delivery } = deps;
  const commands = new Composer<Context>();

  for (const mode of ['verbose', 'smart'] as const) {
    commands.command(mode, async (ctx) => {
      await ctx.reply(outputModeText(await preferences.toggleOutputMode(ctx.chat.id, mode)));
    });
  }

  commands.command('model', async (ctx) => {
    const wanted = argument(ctx);
    if (wanted !== '' && !MODEL_NAME.test(wanted)) {
      await ctx.reply(MODEL_USAGE);
      return;
    }
    const outcome = await preferences.model(ctx.chat.id, wanted === '' ? undefined : wanted);
    if (wanted === '' && outcome.ok) await ctx.reply(modelText(outcome), { reply_markup: modelKeyboard() });
    else await ctx.reply(modelText(outcome));
  });

  commands.callbackQuery(new RegExp(`^${MODEL_PREFIX}(.+)$`), async (ctx) => {
    const chatId = ctx.chat?.id;
    const model = ctx.match[1] ?? '';
    if (chatId === undefined || !MODEL_NAME.test(model)) return ctx.answerCallbackQuery();
    const text = modelText(await preferences.model(chatId, model));
    await ctx.answerCallbackQuery({ text }).catch(() => undefined);
    await ctx.reply(text);
  });

  commands.command('last', async (ctx) => {
    const session = await deps.activeSessionOf(ctx.chat.id);
    if (session === undefined) {
      await ctx.reply(NO_ACTIVE_SESSION);
      return;
    }
    const answer = keeper.last(session);
    if (answer === undefined) await ctx.reply(noLastAnswerText(session));
    else await delivery.sendMarkdown(ctx.chat.id, answer);
  });

  return commands;
}
