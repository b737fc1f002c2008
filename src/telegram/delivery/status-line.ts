import type { Api } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Logger } from '../../logging.ts';
import { TELEGRAM_MESSAGE_LIMIT, truncateUtf16Start } from '../render/index.ts';
import { errorText, isNotModified, NO_PREVIEW, refusedAsUndefined } from './refusals.ts';
import type { DeliveryTimers } from './timers.ts';

export interface StatusLine {
  update(text: string): void;
  done(finalText?: string): Promise<void>;
}

/**
 * A status message in `chatId`, created on the first update and then edited, at most once per
 * `throttleMs`, always to the newest text. done() edits it to `finalText`, or deletes it when there
 * is none. Never throws: a status line that cannot be shown is logged and skipped.
 */
export function createStatusLine(
  api: Api,
  logger: Logger,
  chatId: number,
  options: { throttleMs: number; timers: DeliveryTimers; replyMarkup?: InlineKeyboardMarkup },
): StatusLine {
  const { throttleMs, timers } = options;
  // Buttons stay while the status is live; done()'s final text goes without them.
  const live = options.replyMarkup ? { ...NO_PREVIEW, reply_markup: options.replyMarkup } : NO_PREVIEW;
  let messageId: number | undefined;
  let shown: string | undefined;
  let pending: string | undefined;
  let lastWriteAt = Number.NEGATIVE_INFINITY;
  let timer: unknown;
  let writing: Promise<void> | undefined;
  let finished = false;

  async function write(text: string): Promise<void> {
    try {
      if (messageId === undefined) {
        const sent = await refusedAsUndefined(logger, 'status send', () =>
          api.sendMessage(chatId, text, live),
        );
        messageId = sent?.message_id;
      } else {
        await api
          .editMessageText(chatId, messageId, text, finished ? NO_PREVIEW : live)
          .catch((error: unknown) => {
            // Editing to the text already shown is harmless; anything else is logged below.
            if (!isNotModified(error)) throw error;
          });
      }
      shown = text;
    } catch (error) {
      logger.warn({ chatId, error: errorText(error) }, 'status message update failed');
    }
  }

  function flush(): void {
    timer = undefined;
    const text = pending;
    pending = undefined;
    if (text === undefined || text === shown || finished) return;
    lastWriteAt = timers.now();
    writing = write(text).finally(() => {
      writing = undefined;
      if (pending !== undefined && !finished) schedule();
    });
  }

  function schedule(): void {
    if (timer !== undefined || writing !== undefined) return;
    const wait = lastWriteAt + throttleMs - timers.now();
    if (wait <= 0) flush();
    else timer = timers.setTimeout(flush, wait);
  }

  return {
    update(text: string) {
      const trimmed = text.trim();
      if (finished || trimmed === '') return;
      pending = truncateUtf16Start(trimmed, TELEGRAM_MESSAGE_LIMIT);
      schedule();
    },
    async done(finalText?: string) {
      finished = true;
      pending = undefined;
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
      await writing;
      const final = finalText?.trim();
      if (final) {
        if (final !== shown) await write(truncateUtf16Start(final, TELEGRAM_MESSAGE_LIMIT));
        return;
      }
      if (messageId === undefined) return;
      const id = messageId;
      await refusedAsUndefined(logger, 'status delete', () => api.deleteMessage(chatId, id)).catch(
        (error: unknown) => {
          logger.warn({ chatId, error: errorText(error) }, 'status message delete failed');
        },
      );
    },
  };
}
