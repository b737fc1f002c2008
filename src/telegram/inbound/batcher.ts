import type { Context, MiddlewareFn } from 'grammy';
import type { Logger } from '../../logging.ts';
import type { DeliveryTimers } from '../delivery/timers.ts';

interface Pending {
  texts: string[];
  /** The updates the texts came from (those the inbound journal took over). */
  updateIds: number[];
  timer?: unknown;
}

/**
 * Text messages from one chat that follow each other within `windowMs` become one turn, in
 * order: Telegram splits a long paste into several messages, and people send one thought as three.
 * The window restarts with each message; anything else from the chat (a command, a file, a press)
 * closes it at once, before it is handled. With `windowMs` 0 every message is its own turn.
 *
 * @example
 * const batcher = new TextBatcher({ windowMs: 1500, timers, submit, logger });
 * bot.use(batcher.closer());              // before the features
 * await batcher.add(chatId, 'first half'); // in the text handler
 */
export class TextBatcher {
  private readonly pending = new Map<number, Pending>();
  /** Per chat, the batches handed over so far: each waits for the one before. */
  private readonly chains = new Map<number, Promise<void>>();

  constructor(
    private readonly deps: {
      windowMs: number;
      timers: DeliveryTimers;
      /** Hands a closed batch (its texts joined by newlines, and its updates) to the session. */
      submit: (chatId: number, text: string, updateIds: number[]) => Promise<void>;
      logger: Logger;
    },
  ) {}

  /**
   * A text message; resolves at once when batching, or once it is handed over when not.
   * `updateId`: its update, which stays unfinished in the inbound journal until the batch's turn is.
   */
  async add(chatId: number, text: string, updateId?: number): Promise<void> {
    const ids = updateId === undefined ? [] : [updateId];
    if (this.deps.windowMs <= 0) return this.handOver(chatId, [text], ids);
    const pending = this.pending.get(chatId) ?? { texts: [], updateIds: [] };
    this.pending.set(chatId, pending);
    pending.texts.push(text);
    pending.updateIds.push(...ids);
    if (pending.timer !== undefined) this.deps.timers.clearTimeout(pending.timer);
    pending.timer = this.deps.timers.setTimeout(() => void this.close(chatId), this.deps.windowMs);
  }

  /** Closes the chat's batch now; resolves once everything the chat sent so far is handed over. */
  async close(chatId: number): Promise<void> {
    const pending = this.pending.get(chatId);
    if (pending) {
      this.pending.delete(chatId);
      if (pending.timer !== undefined) this.deps.timers.clearTimeout(pending.timer);
      void this.handOver(chatId, pending.texts, pending.updateIds);
    }
    await this.chains.get(chatId);
  }

  /** Closes every batch (shutdown): what was sent is handed over, not lost. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.pending.keys()].map((chatId) => this.close(chatId)));
  }

  /** Middleware: anything from a chat but a plain text message closes its batch first. */
  closer(): MiddlewareFn<Context> {
    return async (ctx, next) => {
      const chatId = ctx.chat?.id;
      if (chatId !== undefined && this.pending.has(chatId) && !isPlainText(ctx)) await this.close(chatId);
      await next();
    };
  }

  private handOver(chatId: number, texts: string[], updateIds: number[]): Promise<void> {
    const text = texts.join('\n');
    const next = (this.chains.get(chatId) ?? Promise.resolve()).then(() =>
      this.deps
        .submit(chatId, text, updateIds)
        .catch((error: unknown) =>
          this.deps.logger.error({ err: error, chatId }, 'could not hand a message to its session'),
        ),
    );
    this.chains.set(chatId, next);
    void next.then(() => {
      if (this.chains.get(chatId) === next) this.chains.delete(chatId);
    });
    return next;
  }
}

/** A new text message that is not a command: the kind a batch collects. */
function isPlainText(ctx: Context): boolean {
  const message = ctx.message;
  if (message?.text === undefined) return false;
  return !message.entities?.some((entity) => entity.type === 'bot_command' && entity.offset === 0);
}
