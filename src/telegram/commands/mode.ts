import { Composer, type Context, InlineKeyboard } from 'grammy';
import type { ModeOutcome, SessionModes } from '../../sessions/modes.ts';
import type { PermissionMode } from '../../sessions/personas.ts';
import {
  BYPASS_CANCEL,
  BYPASS_CONFIRM,
  BYPASS_UNAVAILABLE,
  bypassBusyText,
  bypassCancelledText,
  bypassConfirmText,
  MODE_ARGUMENTS,
  MODE_CHOICES_HINT,
  MODE_USAGE,
  modeLine,
} from '../copy/modes.ts';
import { sessionOutcomeText } from '../copy/sessions.ts';

/** `mode:<session>:<mode>` chooses; `mode:<session>:bypass!` confirms bypass; `mode:<session>:keep` cancels. */
const MODE_PREFIX = 'mode:';
const MODE_DATA = /^mode:([A-Za-z0-9_-]{1,32}):(default|acceptEdits|plan|bypass|bypass!|keep)$/;

function outcomeText(outcome: ModeOutcome): string {
  if (outcome.ok) return modeLine(outcome.name, outcome.mode);
  if (outcome.reason === 'bypass_unavailable') return BYPASS_UNAVAILABLE;
  if (outcome.reason === 'busy') return bypassBusyText(outcome.name);
  return sessionOutcomeText({ ok: false, reason: 'not_found', name: outcome.name });
}

function choices(session: string): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const name of Object.keys(MODE_ARGUMENTS)) keyboard.text(name, `${MODE_PREFIX}${session}:${name}`);
  return keyboard;
}

function confirmBypass(session: string): InlineKeyboard {
  return new InlineKeyboard()
    .text(BYPASS_CONFIRM, `${MODE_PREFIX}${session}:bypass!`)
    .text(BYPASS_CANCEL, `${MODE_PREFIX}${session}:keep`);
}

/**
 * `/mode` shows the active session's permission mode with the choices as buttons; `/mode <mode>`
 * (or a button) switches it live and stores it. Bypass asks for a confirmation button first, and is
 * refused plainly where Claude Code could not start in it.
 */
export function modeCommand(deps: {
  modes: SessionModes;
  activeName: (chatId: number) => Promise<string | undefined>;
}): Composer<Context> {
  const { modes } = deps;
  const commands = new Composer<Context>();

  /** What choosing `wanted` in `session` answers: the switch done, or bypass's confirmation first. */
  async function choose(
    chatId: number,
    session: string,
    wanted: PermissionMode,
  ): Promise<{ text: string; keyboard?: InlineKeyboard }> {
    if (wanted !== 'bypassPermissions')
      return { text: outcomeText(await modes.set(chatId, session, wanted)) };
    if (!modes.bypassAvailable) return { text: BYPASS_UNAVAILABLE };
    return { text: bypassConfirmText(session), keyboard: confirmBypass(session) };
  }

  commands.command('mode', async (ctx) => {
    const session = await deps.activeName(ctx.chat.id);
    if (session === undefined) {
      await ctx.reply(sessionOutcomeText({ ok: false, reason: 'no_active_session' }));
      return;
    }
    const argument = typeof ctx.match === 'string' ? ctx.match.trim() : '';
    if (argument === '') {
      const mode = await modes.current(session);
      if (mode === undefined) {
        await ctx.reply(sessionOutcomeText({ ok: false, reason: 'not_found', name: session }));
        return;
      }
      await ctx.reply(`${modeLine(session, mode)}\n\n${MODE_CHOICES_HINT}`, {
        reply_markup: choices(session),
      });
      return;
    }
    const wanted = MODE_ARGUMENTS[argument];
    if (!wanted) {
      await ctx.reply(MODE_USAGE);
      return;
    }
    const answer = await choose(ctx.chat.id, session, wanted);
    await ctx.reply(answer.text, answer.keyboard ? { reply_markup: answer.keyboard } : {});
  });

  commands.callbackQuery(MODE_DATA, async (ctx) => {
    const [, session = '', choice = ''] = ctx.match;
    const chatId = ctx.chat?.id;
    await ctx.answerCallbackQuery().catch(() => undefined);
    if (chatId === undefined) return;
    let text: string;
    let keyboard: InlineKeyboard | undefined;
    if (choice === 'bypass!') text = outcomeText(await modes.set(chatId, session, 'bypassPermissions'));
    else if (choice === 'keep') {
      const mode = await modes.current(session);
      text =
        mode === undefined
          ? outcomeText({ ok: false, reason: 'not_found', name: session })
          : bypassCancelledText(session, mode);
    } else {
      const answer = await choose(chatId, session, MODE_ARGUMENTS[choice] ?? 'default');
      text = answer.text;
      keyboard = answer.keyboard;
    }
    // The confirmation loses its buttons once used.
    if (choice === 'bypass!' || choice === 'keep') await ctx.editMessageReplyMarkup().catch(() => undefined);
    await ctx.reply(text, keyboard ? { reply_markup: keyboard } : {});
  });

  return commands;
}
