import { Composer, type Context, InlineKeyboard } from 'grammy';
import type { SessionManager } from '../../sessions/manager.ts';
import { isValidName } from '../../sessions/names.ts';
import type { PersonaLibrary } from '../../sessions/personas.ts';
import type { Session } from '../../sessions/session-store.ts';
import { resumingText } from '../copy/lifecycle.ts';
import {
  newUsageText,
  SESSION_USAGE,
  sessionListText,
  sessionOutcomeText,
  unknownCommandText,
} from '../copy/sessions.ts';
import type { JournalTurns } from '../journal-turns.ts';
import { truncateUtf16 } from '../render/index.ts';
import type { SessionOutput } from '../session-output.ts';

/** callback_data prefix of the session buttons; names are ≤ 32 bytes, well inside Telegram's 64. */
export const SWITCH_PREFIX = 'switch:';
/** Telegram's limit for the text of a button press's answer. */
const CALLBACK_ANSWER_LIMIT = 200;

function args(ctx: Context): string[] {
  return typeof ctx.match === 'string' ? ctx.match.split(/\s+/).filter(Boolean) : [];
}

/** `/new`, `/session`, the session buttons, and plain text to the active session (`/sessions`: lifecycle.ts). */
export function sessionCommands(deps: {
  manager: SessionManager;
  personas: PersonaLibrary;
  output: SessionOutput;
  /** The inbound journal follows each message to the end of its turn; absent without a journal. */
  turns?: Pick<JournalTurns, 'sendOptions' | 'takeOver'>;
  /** Plain text goes through it (BATCH_WINDOW_MS); without one, each message is sent at once. */
  batcher?: { add(chatId: number, text: string, updateId?: number): Promise<void> };
  /** Each session's model, for the list. */
  modelOf?: (session: Session) => Promise<string | undefined>;
}): Composer<Context> {
  const { manager, personas, output, turns } = deps;
  const commands = new Composer<Context>();

  commands.command('new', async (ctx) => {
    const [name, persona, ...rest] = args(ctx);
    if (!name || rest.length > 0) {
      await ctx.reply(newUsageText((await personas.list()).map((p) => p.name)));
      return;
    }
    await ctx.reply(sessionOutcomeText(await manager.create(ctx.chat.id, name, persona)));
  });

  commands.command('session', async (ctx) => {
    const [name, ...rest] = args(ctx);
    if (!name || rest.length > 0) {
      await replyWithSessionList(ctx, manager, SESSION_USAGE);
      return;
    }
    await ctx.reply(sessionOutcomeText(await switchOrRefuse(manager, ctx.chat.id, name)));
  });

  commands.callbackQuery(new RegExp(`^${SWITCH_PREFIX}(.+)$`), async (ctx) => {
    const name = ctx.match[1] ?? '';
    const chatId = ctx.chat?.id;
    if (chatId === undefined) return ctx.answerCallbackQuery();
    const text = sessionOutcomeText(await switchOrRefuse(manager, chatId, name));
    // Only a toast: a press Telegram no longer accepts an answer for must still get the reply below.
    await ctx
      .answerCallbackQuery({ text: truncateUtf16(text, CALLBACK_ANSWER_LIMIT) })
      .catch(() => undefined);
    await ctx.reply(text);
  });

  commands.on('message:text', async (ctx) => {
    const text = ctx.message.text;
    // Telegram marks commands; `/etc/hosts is empty, why?` is a question for Claude, not a command.
    const command = ctx.message.entities?.find(
      (entity) => entity.type === 'bot_command' && entity.offset === 0,
    );
    if (command) {
      await ctx.reply(unknownCommandText(text.slice(0, command.length)));
      return;
    }
    if (deps.batcher) {
      await deps.batcher.add(ctx.chat.id, text, turns?.takeOver(ctx));
      return;
    }
    const sent = await manager.send(ctx.chat.id, text, turns?.sendOptions(ctx));
    if (!sent.ok) {
      await ctx.reply(sessionOutcomeText(sent));
      return;
    }
    if (sent.resumed) await ctx.reply(resumingText(sent.session, sent.resumed.idleMs));
    output.queued(ctx.chat.id, sent.session);
  });

  return commands;
}

/**
 * An invalid name (`../x`, a Cyrillic look-alike, a forged button) hears the naming rule: "doesn't
 * exist, use /new ../x" would suggest a command that can only fail, and echo whatever it hides.
 */
async function switchOrRefuse(manager: SessionManager, chatId: number, name: string) {
  if (!isValidName(name)) return { ok: false, reason: 'invalid_name', name } as const;
  return manager.switchTo(chatId, name);
}

async function replyWithSessionList(
  ctx: Context,
  manager: SessionManager,
  heading: string,
  modelOf?: (session: Session) => Promise<string | undefined>,
): Promise<void> {
  const sessions = await manager.list();
  const active = ctx.chat && sessions.length > 0 ? await manager.activeName(ctx.chat.id) : undefined;
  const entries = await Promise.all(
    sessions.map(async (session) => {
      const { metadata } = session;
      const model = modelOf ? ((await modelOf(session)) ?? 'default model') : undefined;
      return {
        name: metadata.name,
        persona: metadata.persona,
        status: metadata.status,
        active: metadata.name === active,
        running: manager.isLive(metadata.name),
        ...(model ? { model } : {}),
      };
    }),
  );
  const text = sessionListText(heading, entries);
  if (sessions.length === 0) {
    await ctx.reply(text);
    return;
  }
  const keyboard = new InlineKeyboard();
  sessions.forEach(({ metadata }, index) => {
    keyboard.text(metadata.name, `${SWITCH_PREFIX}${metadata.name}`);
    if (index % 3 === 2) keyboard.row();
  });
  await ctx.reply(text, { reply_markup: keyboard });
}
