import { Composer, type Context, InlineKeyboard } from 'grammy';
import type { SessionManager } from '../../sessions/manager.ts';
import {
  idleTimeoutText,
  MAX_TIMEOUT_MINUTES,
  overviewText,
  startFreshText,
  TIMEOUT_USAGE,
} from '../copy/lifecycle.ts';
import { SESSIONS_HEADING, sessionOutcomeText } from '../copy/sessions.ts';
import { FRESH_PREFIX } from '../lifecycle-buttons.ts';
import { SWITCH_PREFIX } from './sessions.ts';

/** `/timeout 30` → 30; anything but a whole number in range → undefined. */
function parseMinutes(text: string): number | undefined {
  if (!/^\d{1,4}$/.test(text)) return undefined;
  const minutes = Number(text);
  return minutes <= MAX_TIMEOUT_MINUTES ? minutes : undefined;
}

/** `/sessions` (the overview, tappable to switch), `/timeout`, and the `Start fresh` button. */
export function lifecycleCommands(deps: { manager: SessionManager; now?: () => number }): Composer<Context> {
  const { manager } = deps;
  const now = deps.now ?? Date.now;
  const commands = new Composer<Context>();

  commands.command('sessions', async (ctx) => {
    const overview = await manager.overview();
    const active = await manager.activeName(ctx.chat.id);
    const text = overviewText(SESSIONS_HEADING, overview, active, now());
    if (overview.sessions.length === 0) {
      await ctx.reply(text);
      return;
    }
    const keyboard = new InlineKeyboard();
    overview.sessions.forEach(({ name }, index) => {
      keyboard.text(name, `${SWITCH_PREFIX}${name}`);
      if (index % 3 === 2) keyboard.row();
    });
    await ctx.reply(text, { reply_markup: keyboard });
  });

  commands.command('timeout', async (ctx) => {
    const words = typeof ctx.match === 'string' ? ctx.match.split(/\s+/).filter(Boolean) : [];
    const minutes = words.length === 1 ? parseMinutes(words[0] as string) : undefined;
    if (words.length > 1 || (words.length === 1 && minutes === undefined)) {
      await ctx.reply(TIMEOUT_USAGE);
      return;
    }
    const outcome = await manager.idleTimeout(ctx.chat.id, minutes);
    await ctx.reply(outcome.ok ? idleTimeoutText(outcome) : sessionOutcomeText(outcome));
  });

  commands.callbackQuery(new RegExp(`^${FRESH_PREFIX}(.+)$`), async (ctx) => {
    const name = ctx.match[1] ?? '';
    const chatId = ctx.chat?.id;
    if (chatId === undefined) return ctx.answerCallbackQuery();
    const text = startFreshText(manager.startFresh(chatId, name));
    await ctx.answerCallbackQuery().catch(() => undefined);
    // The choice is made: the notice loses its button.
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await ctx.reply(text);
  });

  return commands;
}
