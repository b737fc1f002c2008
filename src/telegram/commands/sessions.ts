import { Composer, type Context, InlineKeyboard } from 'grammy';
import type { SessionManager } from '../../sessions/manager.ts';
import type { PersonaLibrary } from '../../sessions/personas.ts';
import { truncateUtf16 } from '../render/index.ts';
import type { SessionOutput } from '../session-output.ts';

const NEW_USAGE = 'Usage: /new <name> [persona]';
const SESSION_USAGE = 'Usage: /session <name>';
/** callback_data prefix of the session buttons; names are ≤ 32 bytes, well inside Telegram's 64. */
const SWITCH_PREFIX = 'switch:';
/** Telegram's limit for the text of a button press's answer. */
const CALLBACK_ANSWER_LIMIT = 200;

function args(ctx: Context): string[] {
  return typeof ctx.match === 'string' ? ctx.match.split(/\s+/).filter(Boolean) : [];
}

/** `/new`, `/session`, `/sessions`, the session buttons, and plain text to the active session. */
export function sessionCommands(deps: {
  manager: SessionManager;
  personas: PersonaLibrary;
  output: SessionOutput;
}): Composer<Context> {
  const { manager, personas, output } = deps;
  const commands = new Composer<Context>();

  commands.command('new', async (ctx) => {
    const [name, persona, ...rest] = args(ctx);
    if (!name || rest.length > 0) {
      const available = (await personas.list()).map((p) => p.name).join(', ');
      await ctx.reply(`${NEW_USAGE}\nPersonas: ${available}`);
      return;
    }
    const outcome = await manager.create(ctx.chat.id, name, persona);
    await ctx.reply(outcome.message);
  });

  commands.command('session', async (ctx) => {
    const [name, ...rest] = args(ctx);
    if (!name || rest.length > 0) {
      await replyWithSessionList(ctx, manager, SESSION_USAGE);
      return;
    }
    await ctx.reply((await manager.switchTo(ctx.chat.id, name)).message);
  });

  commands.command('sessions', (ctx) => replyWithSessionList(ctx, manager, 'Sessions:'));

  commands.callbackQuery(new RegExp(`^${SWITCH_PREFIX}(.+)$`), async (ctx) => {
    const name = ctx.match[1] ?? '';
    const chatId = ctx.chat?.id;
    if (chatId === undefined) return ctx.answerCallbackQuery();
    const outcome = await manager.switchTo(chatId, name);
    // Only a toast: a press Telegram no longer accepts an answer for must still get the reply below.
    await ctx
      .answerCallbackQuery({ text: truncateUtf16(outcome.message, CALLBACK_ANSWER_LIMIT) })
      .catch(() => undefined);
    await ctx.reply(outcome.message);
  });

  commands.on('message:text', async (ctx) => {
    const text = ctx.message.text;
    // Telegram marks commands; `/etc/hosts is empty, why?` is a question for Claude, not a command.
    const command = ctx.message.entities?.find(
      (entity) => entity.type === 'bot_command' && entity.offset === 0,
    );
    if (command) {
      await ctx.reply(`Unknown command ${text.slice(0, command.length)}. /help lists the commands.`);
      return;
    }
    const sent = await manager.send(ctx.chat.id, text);
    if (!sent.ok) {
      await ctx.reply(sent.message);
      return;
    }
    output.queued(ctx.chat.id, sent.session);
  });

  return commands;
}

async function replyWithSessionList(ctx: Context, manager: SessionManager, heading: string): Promise<void> {
  const sessions = await manager.list();
  if (sessions.length === 0) {
    await ctx.reply(`${heading}\nNo sessions yet. Use /new <name> to start one.`);
    return;
  }
  const active = ctx.chat ? await manager.activeName(ctx.chat.id) : undefined;
  const lines = sessions.map(({ metadata }) => {
    const marks = [
      metadata.name === active ? '▶️' : '•',
      metadata.name,
      `(${metadata.persona}, ${metadata.status}`,
    ];
    return `${marks.join(' ')}${manager.isLive(metadata.name) ? ', running' : ''})`;
  });
  const keyboard = new InlineKeyboard();
  sessions.forEach(({ metadata }, index) => {
    keyboard.text(metadata.name, `${SWITCH_PREFIX}${metadata.name}`);
    if (index % 3 === 2) keyboard.row();
  });
  await ctx.reply([heading, ...lines].join('\n'), { reply_markup: keyboard });
}
