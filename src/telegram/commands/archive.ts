import { randomBytes } from 'node:crypto';
import { Composer, type Context, InlineKeyboard } from 'grammy';
import type { SessionArchiver } from '../../sessions/archiver.ts';
import {
  ARCHIVE_BUTTON_CANCEL,
  ARCHIVE_USAGE,
  archiveButtonText,
  archiveCardSettledText,
  archiveConfirmText,
  archivedElsewhereText,
  archivedText,
  archiveListText,
  archiveRefusedText,
  STALE_ARCHIVE_PRESS,
} from '../copy/archive.ts';

/**
 * callback_data of the confirmation card: `archive:<token>:y` or `…:n`, 31 bytes. The token is
 * random (12 bytes), so a press is only ever taken for the card it was made for; the session's name
 * stays on this side. Ordered with the chat's messages (ordering.ts): it changes the active session.
 */
export const ARCHIVE_PREFIX = 'archive:';
const ARCHIVE_PRESS = /^archive:([A-Za-z0-9_-]{16}):([yn])$/;
/** A card left unanswered this long is stale: the owner asks again. */
const CONFIRMATION_TTL_MS = 10 * 60_000;

interface PendingArchive {
  name: string;
  chatId: number;
  expiresAt: number;
}

/** The confirmation cards waiting for a press, each taken at most once. In memory: a restart makes them stale. */
export class ArchiveConfirmations {
  private readonly pending = new Map<string, PendingArchive>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new card for archiving `name` from `chatId`; returns its token. */
  open(name: string, chatId: number): string {
    for (const [token, entry] of this.pending) if (entry.expiresAt <= this.now()) this.pending.delete(token);
    const token = randomBytes(12).toString('base64url');
    this.pending.set(token, { name, chatId, expiresAt: this.now() + CONFIRMATION_TTL_MS });
    return token;
  }

  /** The card's request, removed; undefined when unknown, expired, already taken or from another chat. */
  take(token: string, chatId: number): PendingArchive | undefined {
    const entry = this.pending.get(token);
    if (!entry || entry.chatId !== chatId) return undefined;
    this.pending.delete(token);
    return entry.expiresAt > this.now() ? entry : undefined;
  }
}

export interface ArchiveCommandDeps {
  archiver: SessionArchiver;
  /** Whether the session has a Claude Code process now (the card says it will be stopped). */
  isLive: (name: string) => boolean;
  /** Tells another chat its active session was archived. */
  notify: (chatId: number, text: string) => Promise<unknown>;
  confirmations?: ArchiveConfirmations;
}

/** `/archive <name>` after a confirmation button; `/archive` alone lists the archives. */
export function archiveCommands(deps: ArchiveCommandDeps): Composer<Context> {
  const { archiver } = deps;
  const confirmations = deps.confirmations ?? new ArchiveConfirmations();
  const commands = new Composer<Context>();

  commands.command('archive', async (ctx) => {
    const [name, ...rest] = typeof ctx.match === 'string' ? ctx.match.split(/\s+/).filter(Boolean) : [];
    if (!name) {
      await ctx.reply(archiveListText(await archiver.list()));
      return;
    }
    if (rest.length > 0) {
      await ctx.reply(ARCHIVE_USAGE);
      return;
    }
    const checked = await archiver.check(name);
    if (!checked.ok) {
      await ctx.reply(archiveRefusedText({ ok: false, reason: checked.reason, name }));
      return;
    }
    const token = confirmations.open(name, ctx.chat.id);
    const keyboard = new InlineKeyboard()
      .text(archiveButtonText(name), `${ARCHIVE_PREFIX}${token}:y`)
      .text(ARCHIVE_BUTTON_CANCEL, `${ARCHIVE_PREFIX}${token}:n`);
    await ctx.reply(archiveConfirmText(name, deps.isLive(name)), { reply_markup: keyboard });
  });

  commands.callbackQuery(new RegExp(`^${ARCHIVE_PREFIX}`), async (ctx) => {
    const press = ARCHIVE_PRESS.exec(ctx.callbackQuery.data);
    const chatId = ctx.chat?.id;
    const pending = press?.[1] && chatId !== undefined ? confirmations.take(press[1], chatId) : undefined;
    if (!pending || chatId === undefined) {
      await ctx.answerCallbackQuery({ text: STALE_ARCHIVE_PRESS }).catch(() => undefined);
      // So it is not pressed again; the card's question stays readable.
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      return;
    }
    const confirmed = press?.[2] === 'y';
    await ctx.answerCallbackQuery().catch(() => undefined);
    // An edit without reply_markup also takes the buttons away.
    await ctx
      .editMessageText(archiveCardSettledText(pending.name, confirmed ? 'confirmed' : 'cancelled'))
      .catch(() => undefined);
    if (!confirmed) return;

    const outcome = await archiver.archive(pending.name);
    if (!outcome.ok) {
      await ctx.reply(archiveRefusedText(outcome));
      return;
    }
    const here = String(chatId);
    await ctx.reply(archivedText(outcome, outcome.clearedChats.includes(here)));
    for (const other of outcome.clearedChats)
      if (other !== here) await deps.notify(Number(other), archivedElsewhereText(outcome.name));
  });

  return commands;
}
