import { type Api, InputFile } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Logger } from '../../logging.ts';
import {
  escapeHtml,
  renderMarkdown,
  renderPlainChunks,
  TELEGRAM_ENTITY_LIMIT,
  TELEGRAM_MESSAGE_LIMIT,
  truncateUtf16,
} from '../render/index.ts';
import { isRefusal, NO_PREVIEW, refusedAsUndefined } from './refusals.ts';

/** A message to send: `html` when it has formatting, `plain` always (the fallback). */
interface Chunk {
  html?: string;
  plain: string;
}

export interface Sender {
  /**
   * Sends Markdown as one or more messages: HTML first, the same text as plain text if Telegram rejects
   * the markup, and for a very long answer (more than `maxMessages` chunks) the first chunk plus the whole
   * answer as an attached `.md` file. `replyMarkup` goes on the last message. Returns the sent message ids.
   * A non-blank answer always sends something. Never throws for a Telegram 4xx: logs and falls back.
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
  /** A message already rendered (`html`), with `plain` as its fallback; split as plain text when long. */
  sendHtml(chatId: number, message: { html: string; plain: string }): Promise<number | undefined>;
  /** A text file; undefined when Telegram refused it. */
  sendDocument(
    chatId: number,
    fileName: string,
    content: string,
    caption: string,
  ): Promise<number | undefined>;
}

/**
 * Sending answers: HTML first, the same text as plain text when Telegram refuses the markup, without
 * the buttons when it refuses those, and a long answer as its first part plus a file. Failures that
 * are not refusals (Telegram unreachable after the api's retries) propagate.
 */
export function createSender(
  api: Api,
  logger: Logger,
  options: { maxMessages: number; fileAboveChars: number },
): Sender {
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
        return (await call()).message_id;
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
    const maxLength = TELEGRAM_MESSAGE_LIMIT - prefix.plain.length;
    let chunks: Chunk[] = renderMarkdown(markdown, {
      maxLength,
      maxEntities: TELEGRAM_ENTITY_LIMIT - (label ? 1 : 0),
    }).map((chunk) => ({ html: prefix.html + chunk.html, plain: prefix.plain + chunk.plain }));
    // Markdown that renders to nothing (an empty code fence, a lone `#`) is still an answer: the
    // owner gets its source as plain text rather than silence.
    if (chunks.length === 0 && markdown.trim() !== '') {
      logger.warn({ chatId, length: markdown.length }, 'answer rendered to nothing; sending its source');
      chunks = renderPlainChunks(markdown.trim(), maxLength).map((plain) => ({
        plain: prefix.plain + plain,
      }));
    }
    const fits = chunks.length <= options.maxMessages && markdown.length <= options.fileAboveChars;
    if (fits || chunks.length === 1) return sendChunks(chatId, chunks, extra.replyMarkup);

    const [first, ...rest] = chunks as [Chunk, ...Chunk[]];
    const ids = await sendChunks(chatId, [first], undefined);
    const caption = `${label ? `[${label}] ` : ''}The full answer (${markdown.length} characters) is in the attached file.`;
    const fileName = `${(label ?? 'answer').replace(/[^\p{L}\p{N}_-]+/gu, '_')}.md`;
    const file = new InputFile(new TextEncoder().encode(markdown), fileName);
    const documentMarkup = extra.replyMarkup ? { reply_markup: extra.replyMarkup } : {};
    const document = await refusedAsUndefined(logger, 'sendDocument', () =>
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

  async function sendHtml(
    chatId: number,
    message: { html: string; plain: string },
  ): Promise<number | undefined> {
    if (message.plain.length > TELEGRAM_MESSAGE_LIMIT) return sendText(chatId, message.plain);
    return sendChunk(chatId, message, undefined);
  }

  async function sendDocument(
    chatId: number,
    fileName: string,
    content: string,
    caption: string,
  ): Promise<number | undefined> {
    const file = new InputFile(new TextEncoder().encode(content), fileName);
    const sent = await refusedAsUndefined(logger, 'sendDocument', () =>
      api.sendDocument(chatId, file, { caption: truncateUtf16(caption, 1024) }),
    );
    return sent?.message_id;
  }

  return { sendMarkdown, sendText, sendHtml, sendDocument };
}
