import type { Bot, Context, MiddlewareFn, Transformer } from 'grammy';
import type { ApiSuccess, Update } from 'grammy/types';
import type { Logger } from '../logging.ts';
import type { InboundJournal, InboundUpdate, JournalEntry } from '../state/journal.ts';
import { interruptedTurnNotice } from './journal-text.ts';

export interface TelegramJournalOptions {
  journal: InboundJournal;
  logger: Logger;
  /** Updates the journal could not write: they are handled anyway, but a crash now would lose them. */
  onUnjournaled?: (updateIds: number[], detail: string) => void;
}

export interface ReplayOutcome {
  /** Updates handed to the bot again, in update order. */
  replayed: number[];
  /** Updates whose turn was cut off while using tools: their chat was told instead. */
  interrupted: number[];
  /** Settles once every replayed update has been handled (their turns may still be running). */
  handled: Promise<void>;
}

/** The chat of an update, whatever its kind (messages, button presses, member changes…). */
export function chatOfUpdate(update: Update): number | undefined {
  const key = Object.keys(update).find((name) => name !== 'update_id') as keyof Update | undefined;
  const body = (key === undefined ? undefined : update[key]) as
    | { chat?: { id?: unknown }; message?: { chat?: { id?: unknown } } }
    | undefined;
  const id = body?.chat?.id ?? body?.message?.chat?.id;
  return typeof id === 'number' ? id : undefined;
}

const toInbound = (update: Update): InboundUpdate => ({
  updateId: update.update_id,
  chatId: chatOfUpdate(update),
  update: update as unknown as InboundUpdate['update'],
});

/**
 * The inbound journal wired into grammY. The runner confirms a batch by asking for the next one
 * (its `offset`), and only after the `getUpdates` call that brought the batch has resolved: the
 * transformer writes the batch to disk before resolving it, so nothing is confirmed before it is
 * on disk. Updates the journal already knows (replayed after a restart, or already handled) are
 * passed on to the runner, which must see them to move its offset on, and then dropped by the
 * middleware.
 */
export class TelegramJournal {
  /** Update objects as Telegram sent them again: dropped by the middleware. */
  private readonly duplicates = new WeakSet<Update>();
  /** Updates whose completion a handler took over (a Claude turn): not marked done on return. */
  private readonly deferred = new WeakSet<Update>();

  constructor(private readonly options: TelegramJournalOptions) {}

  /** The API transformer: install it last, so it sees exactly what the runner gets. */
  readonly transformer: Transformer = async (prev, method, payload, signal) => {
    const response = await prev(method, payload, signal);
    if (method !== 'getUpdates' || !response.ok) return response;
    const updates = (response as ApiSuccess<Update[]>).result;
    if (updates.length === 0) return response;
    const { journal, logger } = this.options;
    const outcome = await journal.record(updates.map(toInbound));
    const fresh = new Set(outcome.fresh);
    for (const update of updates) {
      // The first copy of a fresh id is handled; every other copy is a repeat.
      if (fresh.delete(update.update_id)) continue;
      this.duplicates.add(update);
      logger.info({ updateId: update.update_id }, 'update already received: dropped');
    }
    if (!outcome.ok) {
      logger.error(
        { updateIds: outcome.fresh, detail: outcome.detail },
        'updates handled without the journal',
      );
      this.options.onUnjournaled?.(outcome.fresh, outcome.detail);
    }
    return response;
  };

  /**
   * The first middleware: drops repeats, and marks every other update done once its handlers
   * return (or throw: the error handler tells the owner), unless a handler called `deferDone`.
   */
  readonly middleware: MiddlewareFn<Context> = async (ctx, next) => {
    const update = ctx.update;
    if (this.duplicates.has(update)) return;
    try {
      await next();
    } finally {
      // Not awaited: the mark needs its own fdatasync, and the chat's next update need not wait for it.
      if (!this.deferred.has(update)) void this.options.journal.markDone(update.update_id);
    }
  };

  /**
   * Takes over marking this update done: the caller marks it (`markTurnStarted`, `markToolsUsed`,
   * `markDone` on the journal, with the returned update id) when the work it started ends.
   */
  deferDone(ctx: Context): number {
    this.deferred.add(ctx.update);
    return ctx.update.update_id;
  }

  /**
   * What the journal held unfinished at start: turns cut off while using tools are reported to
   * their chat and marked done; everything else is handed to the bot again, in update order, before
   * polling starts (call this before `run(bot)`). Handing them over is not awaited one by one, so a
   * long handler does not hold up the rest; per-chat order comes from the bot's sequentialize.
   */
  async replay(bot: Bot): Promise<ReplayOutcome> {
    const { journal, logger } = this.options;
    const { replay, interrupted } = journal.recovery();
    await bot.init();
    for (const entry of interrupted) await this.reportInterrupted(bot, entry);
    const handling = replay.map(async (entry) => {
      try {
        await bot.handleUpdate(entry.update as unknown as Update);
      } catch (error) {
        await bot.errorHandler(error as Parameters<Bot['errorHandler']>[0]);
      }
    });
    if (replay.length > 0 || interrupted.length > 0)
      logger.info(
        { replayed: replay.map((entry) => entry.updateId), interrupted: interrupted.length },
        'unfinished updates from before the restart',
      );
    return {
      replayed: replay.map((entry) => entry.updateId),
      interrupted: interrupted.map((entry) => entry.updateId),
      handled: Promise.allSettled(handling).then(() => undefined),
    };
  }

  private async reportInterrupted(bot: Bot, entry: JournalEntry): Promise<void> {
    const { journal, logger } = this.options;
    if (entry.chatId !== undefined) {
      try {
        await bot.api.sendMessage(entry.chatId, interruptedTurnNotice(entry));
      } catch (error) {
        // Left unfinished: the next start tries again.
        logger.warn({ err: error, updateId: entry.updateId }, 'could not report a turn cut off by a restart');
        return;
      }
    }
    await journal.markDone(entry.updateId);
  }
}
