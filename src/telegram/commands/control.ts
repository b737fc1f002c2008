import { Composer, type Context, InlineKeyboard } from 'grammy';
import type { ClaudeCommand } from '../../claude/runner.ts';
import type { SessionManager } from '../../sessions/manager.ts';
import { sumUsage } from '../../sessions/usage.ts';
import { sessionOutcomeText } from '../copy/sessions.ts';
import { CANCEL_HELD_BUTTON, heldCancelledText, STOP_BUTTON, stoppedText } from '../copy/stop.ts';
import { sessionUsageText, usageText } from '../copy/usage.ts';
import type { JournalTurns } from '../journal-turns.ts';
import { truncateUtf16 } from '../render/index.ts';
import type { SessionOutput } from '../session-output.ts';
import { COMMANDS } from './help.ts';

/** callback_data prefixes of the Stop button and of a usage-limit notice's Cancel; names fit Telegram's 64 bytes. */
export const STOP_PREFIX = 'stop:';
export const CANCEL_HELD_PREFIX = 'held-cancel:';
const CALLBACK_ANSWER_LIMIT = 200;

/** Claude Code's own commands that make sense from a phone; the project's own commands go too. */
export const PHONE_COMMANDS: readonly string[] = ['compact', 'clear', 'context', 'cost'];

/**
 * The bot's own commands (and Telegram's /start): handled by the bot without asking Claude Code
 * which commands it knows, which waits for a process still starting.
 */
const BOT_COMMANDS: ReadonlySet<string> = new Set([...COMMANDS.map(({ command }) => command), 'start']);

export const isBotCommand = (name: string): boolean => BOT_COMMANDS.has(name.toLowerCase());

/** The buttons SessionOutput puts on a running turn's status and on a usage-limit notice. */
export const controlButtons = {
  stop: (session: string) => new InlineKeyboard().text(STOP_BUTTON, `${STOP_PREFIX}${session}`),
  cancelHeld: (session: string) =>
    new InlineKeyboard().text(CANCEL_HELD_BUTTON, `${CANCEL_HELD_PREFIX}${session}`),
};

/** Whether `/name` goes to Claude Code: a phone command it knows, or one of the project's. */
export function forwardsToClaude(name: string, known: ClaudeCommand[]): boolean {
  const lower = name.toLowerCase();
  return known.some((command) => {
    const names = [command.name, ...(command.aliases ?? [])].map((n) => n.toLowerCase());
    if (!names.includes(lower)) return false;
    return !command.builtin || PHONE_COMMANDS.includes(lower);
  });
}

/**
 * `/stop`, the Stop and Cancel buttons, `!<text>`, `/usage`, and Claude Code's own commands
 * forwarded to the active session. Installed before the session commands, whose catch-all
 * answers the commands nobody claims with `Unknown command`.
 */
export function controlCommands(deps: {
  manager: SessionManager;
  output: SessionOutput;
  /** The inbound journal: `!` and forwarded commands are followed to the end of their turn. */
  turns?: Pick<JournalTurns, 'sendOptions' | 'settle'> | undefined;
}): Composer<Context> {
  const { manager, output, turns } = deps;
  const commands = new Composer<Context>();

  commands.command('stop', async (ctx) => {
    const stopped = await manager.stopTurn(ctx.chat.id);
    await ctx.reply(stopped.ok ? stoppedText(stopped) : sessionOutcomeText(stopped));
    // The reply counts what was dropped: those messages are told, so finished.
    if (stopped.ok) turns?.settle(stopped.session);
  });

  commands.command('usage', async (ctx) => {
    const [name] = typeof ctx.match === 'string' ? ctx.match.split(/\s+/).filter(Boolean) : [];
    const sessions = await manager.list();
    if (name) {
      const session = sessions.find(({ metadata }) => metadata.name === name);
      await ctx.reply(
        session
          ? sessionUsageText(name, session.metadata.usage)
          : sessionOutcomeText({ ok: false, reason: 'not_found', name }),
      );
      return;
    }
    const entries = sessions.map(({ metadata }) => ({ name: metadata.name, usage: metadata.usage }));
    const total = sumUsage(sessions.flatMap(({ metadata }) => (metadata.usage ? [metadata.usage] : [])));
    await ctx.reply(usageText(entries, total));
  });

  commands.callbackQuery(new RegExp(`^${STOP_PREFIX}(.+)$`), async (ctx) => {
    const name = ctx.match[1] ?? '';
    await answerThenReply(ctx, stoppedText(await manager.stopSession(name)));
    turns?.settle(name);
  });

  commands.callbackQuery(new RegExp(`^${CANCEL_HELD_PREFIX}(.+)$`), async (ctx) => {
    const name = ctx.match[1] ?? '';
    const text = heldCancelledText(manager.dropHeld(name));
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await answerThenReply(ctx, text);
    turns?.settle(name);
  });

  commands.on('message:text', async (ctx, next) => {
    const text = ctx.message.text;
    if (text.startsWith('!') && text.length > 1) {
      const sent = await manager.sendNext(ctx.chat.id, text.slice(1).trimStart(), turns?.sendOptions(ctx));
      if (sent.ok) output.queued(ctx.chat.id, sent.session);
      else await ctx.reply(sessionOutcomeText(sent));
      return;
    }
    const command = ctx.message.entities?.find(
      (entity) => entity.type === 'bot_command' && entity.offset === 0,
    );
    if (!command) return next();
    const name = text.slice(1, command.length).split('@')[0] ?? '';
    if (isBotCommand(name)) return next();
    // A process ended meanwhile (idle suspend, a switch) knows no commands: the bot's catch-all answers.
    const known = await manager.claudeCommands(ctx.chat.id).catch(() => []);
    if (!forwardsToClaude(name, known)) return next();
    const sent = await manager.send(
      ctx.chat.id,
      `/${name}${text.slice(command.length)}`,
      turns?.sendOptions(ctx),
    );
    if (sent.ok) output.queued(ctx.chat.id, sent.session);
    else await ctx.reply(sessionOutcomeText(sent));
  });

  return commands;
}

/** A toast for the press, then the reply in the chat (a press too old to answer still gets it). */
async function answerThenReply(ctx: Context, text: string): Promise<void> {
  await ctx.answerCallbackQuery({ text: truncateUtf16(text, CALLBACK_ANSWER_LIMIT) }).catch(() => undefined);
  await ctx.reply(text);
}
