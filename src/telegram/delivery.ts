import { type Api, GrammyError, HttpError, InputFile } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Logger } from '../logging.ts';
import {
  escapeHtml,
  type RenderedChunk,
  renderMarkdown,
  renderPlainChunks,
  TELEGRAM_ENTITY_LIMIT,
  TELEGRAM_MESSAGE_LIMIT,
  truncateUtf16,
  truncateUtf16Start,
} from './render/index.ts';

/** Sending to Telegram: long answers, fallbacks, typing and live status messages. */
export interface Delivery {
  /**
   * Sends Markdown as one or more messages: HTML first, the same text as plain text if Telegram rejects
   * the markup, and for a very long answer (more than `maxMessages` chunks) the first chunk plus the whole
   * answer as an attached `.md` file. `replyMarkup` goes on the last message. Returns the sent message ids.
   * Never throws for a Telegram 4xx: logs and falls back.
   */
  sendMarkdown(
    chatId: number,
    markdown: string,
    extra?: { replyMarkup?: InlineKeyboardMarkup; label?: string },
  ): Promise<number[]>;
  /** Sends plain text (split when long); returns the id of the last message sent. */
  sendText(
    chatId: number,
    text: string,
    extra?: { replyMarkup?: InlineKeyboardMarkup },
  ): Promise<number | undefined>;
  /** Shows "typing…" now and every few seconds until stop() is called. */
  startTyping(chatId: number): { stop(): void };
  /**
   * A status message created on the first update and then edited, at most once per throttle interval,
   * always to the newest text. done() edits it to `finalText`, or deletes it when there is none.
   */
  statusLine(chatId: number): StatusLine;
}

export interface StatusLine {
  update(text: string): void;
  done(finalText?: string): Promise<void>;
}

/** The timers delivery uses; tests pass a manual clock. */
export interface DeliveryTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface DeliveryOptions {
  /** Above this many chunks an answer is sent as its first chunk plus a file. Default 4. */
  maxMessages?: number;
  /** Default 4000 ms: Telegram shows "typing" for 5 s. */
  typingIntervalMs?: number;
  /** Default 1500 ms between edits of a status message. */
  statusThrottleMs?: number;
  /** Attempts after a network error or a Telegram 5xx. Default 3, waiting 1 s, 2 s, 4 s. */
  transientRetries?: number;
  retryDelayMs?: number;
  timers?: DeliveryTimers;
  sleep?: (ms: number) => Promise<void>;
}

const systemTimers: DeliveryTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

const isTransient = (error: unknown): boolean =>
  error instanceof HttpError || (error instanceof GrammyError && error.error_code >= 500);

/** A Telegram refusal of this particular request (bad markup, blocked bot, …): retrying won't help. */
const isRefusal = (error: unknown): error is GrammyError =>
  error instanceof GrammyError &&
  error.error_code >= 400 &&
  error.error_code < 500 &&
  error.error_code !== 429;

const isNotModified = (error: unknown): boolean =>
  error instanceof GrammyError && error.description.includes('message is not modified');

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const NO_PREVIEW = { link_preview_options: { is_disabled: true } } as const;

/**
 * @example
 * const delivery = createDelivery(bot.api, logger);
 * const typing = delivery.startTyping(chatId);
 * await delivery.sendMarkdown(chatId, answer, { label: 'homelab' });
 * typing.stop();
 */
export function createDelivery(api: Api, logger: Logger, options: DeliveryOptions = {}): Delivery {
  const maxMessages = options.maxMessages ?? 4;
  const typingIntervalMs = options.typingIntervalMs ?? 4000;
  const statusThrottleMs = options.statusThrottleMs ?? 1500;
  const transientRetries = options.transientRetries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const timers = options.timers ?? systemTimers;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /** Retries network errors and 5xx so that a message is not lost to a hiccup; 429 is auto-retry's job. */
  async function withRetry<T>(what: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!isTransient(error) || attempt >= transientRetries) throw error;
        const delay = retryDelayMs * 2 ** attempt;
        logger.warn(
          { what, attempt: attempt + 1, delay, error: errorText(error) },
          'telegram call failed, retrying',
        );
        await sleep(delay);
      }
    }
  }

  /** Runs a call, turning a Telegram refusal into undefined (logged); other errors propagate. */
  async function refusedAsUndefined<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await withRetry(what, call);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      logger.warn({ what, error: error.description }, 'telegram refused the request');
      return undefined;
    }
  }

  /** A message to send: `html` when it has formatting, `plain` always (the fallback). */
  type Chunk = { html?: string; plain: string };

  async function sendChunk(
    chatId: number,
    chunk: Chunk,
    replyMarkup: InlineKeyboardMarkup | undefined,
  ): Promise<number | undefined> {
    const markup = replyMarkup ? { reply_markup: replyMarkup } : {};
    const attempts: Array<[string, () => Promise<{ message_id: number }>]> = [];
    const html = chunk.html;
    if (html !== undefined) {
      attempts.push([
        'sendMessage html',
        () => api.sendMessage(chatId, html, { parse_mode: 'HTML', ...NO_PREVIEW, ...markup }),
      ]);
    }
    attempts.push([
      'sendMessage plain',
      () => api.sendMessage(chatId, chunk.plain, { ...NO_PREVIEW, ...markup }),
    ]);
    if (replyMarkup) {
      attempts.push([
        'sendMessage plain without buttons',
        () => api.sendMessage(chatId, chunk.plain, NO_PREVIEW),
      ]);
    }
    for (const [what, call] of attempts) {
      try {
        return (await withRetry(what, call)).message_id;
      } catch (error) {
        if (!isRefusal(error)) throw error;
        logger.warn({ what, chatId, error: error.description }, 'telegram refused the message');
        // A 400 is about this message's markup or buttons, so a simpler form may pass; a 403 (the
        // owner blocked the bot, the chat is gone) will not get better.
        if (error.error_code !== 400) return undefined;
      }
    }
    return undefined;
  }

  async function sendChunks(
    chatId: number,
    chunks: Chunk[],
    replyMarkup: InlineKeyboardMarkup | undefined,
  ): Promise<number[]> {
    const ids: number[] = [];
    for (const [index, chunk] of chunks.entries()) {
      const id = await sendChunk(chatId, chunk, index === chunks.length - 1 ? replyMarkup : undefined);
      if (id !== undefined) ids.push(id);
    }
    return ids;
  }

  async function sendMarkdown(
    chatId: number,
    markdown: string,
    extra: { replyMarkup?: InlineKeyboardMarkup; label?: string } = {},
  ): Promise<number[]> {
    const label = extra.label ? truncateUtf16(extra.label, 64) : undefined;
    const prefix = label
      ? { html: `<b>[${escapeHtml(label)}]</b>\n`, plain: `[${label}]\n` }
      : { html: '', plain: '' };
    const chunks = renderMarkdown(markdown, {
      maxLength: TELEGRAM_MESSAGE_LIMIT - prefix.plain.length,
      maxEntities: TELEGRAM_ENTITY_LIMIT - (label ? 1 : 0),
    }).map((chunk) => ({ html: prefix.html + chunk.html, plain: prefix.plain + chunk.plain }));
    if (chunks.length <= maxMessages) return sendChunks(chatId, chunks, extra.replyMarkup);

    const [first, ...rest] = chunks as [RenderedChunk, ...RenderedChunk[]];
    const ids = await sendChunks(chatId, [first], undefined);
    const caption = `${label ? `[${label}] ` : ''}The full answer (${markdown.length} characters) is in the attached file.`;
    const fileName = `${(label ?? 'answer').replace(/[^\p{L}\p{N}_-]+/gu, '_')}.md`;
    const file = new InputFile(new TextEncoder().encode(markdown), fileName);
    const documentMarkup = extra.replyMarkup ? { reply_markup: extra.replyMarkup } : {};
    const document = await refusedAsUndefined('sendDocument', () =>
      api.sendDocument(chatId, file, { caption: truncateUtf16(caption, 1024), ...documentMarkup }),
    );
    if (document) return [...ids, document.message_id];
    // The file could not be sent: the user still gets every word, as messages.
    return [...ids, ...(await sendChunks(chatId, rest, extra.replyMarkup))];
  }

  async function sendText(
    chatId: number,
    text: string,
    extra: { replyMarkup?: InlineKeyboardMarkup } = {},
  ): Promise<number | undefined> {
    const chunks = renderPlainChunks(text, TELEGRAM_MESSAGE_LIMIT).map((plain) => ({ plain }));
    return (await sendChunks(chatId, chunks, extra.replyMarkup)).at(-1);
  }

  function startTyping(chatId: number): { stop(): void } {
    const sendTyping = (): void => {
      api.sendChatAction(chatId, 'typing').catch((error: unknown) => {
        logger.debug({ chatId, error: errorText(error) }, 'typing indicator failed');
      });
    };
    sendTyping();
    const handle = timers.setInterval(sendTyping, typingIntervalMs);
    let stopped = false;
    return {
      stop() {
        if (stopped) return;
        stopped = true;
        timers.clearInterval(handle);
      },
    };
  }

  function statusLine(chatId: number): StatusLine {
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
          const sent = await refusedAsUndefined('status send', () =>
            api.sendMessage(chatId, text, NO_PREVIEW),
          );
          messageId = sent?.message_id;
        } else {
          const id = messageId;
          await withRetry('status edit', () => api.editMessageText(chatId, id, text, NO_PREVIEW)).catch(
            (error: unknown) => {
              // Editing to the text already shown is harmless; anything else is logged below.
              if (!isNotModified(error)) throw error;
            },
          );
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
      const wait = lastWriteAt + statusThrottleMs - timers.now();
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
        await refusedAsUndefined('status delete', () => api.deleteMessage(chatId, id)).catch(
          (error: unknown) => {
            logger.warn({ chatId, error: errorText(error) }, 'status message delete failed');
          },
        );
      },
    };
  }

  return { sendMarkdown, sendText, startTyping, statusLine };
}
