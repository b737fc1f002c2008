// Sending to Telegram, composed from one file per job: delivery/send.ts (answers with their
// fallbacks), delivery/typing.ts, delivery/status-line.ts. Retries belong to the api (api.ts).
import type { Api } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Logger } from '../logging.ts';
import { createSender, type Sender } from './delivery/send.ts';
import { createStatusLine, type StatusLine } from './delivery/status-line.ts';
import { type DeliveryTimers, systemTimers } from './delivery/timers.ts';
import { startTyping } from './delivery/typing.ts';
import { type AnswerStream, createAnswerStream, type StreamPace } from './stream.ts';

export type { StatusLine } from './delivery/status-line.ts';
export type { DeliveryTimers } from './delivery/timers.ts';
export type { AnswerStream } from './stream.ts';

/** Sending to Telegram: long answers, fallbacks (see Sender), typing and live status messages. */
export interface Delivery extends Pick<Sender, 'sendMarkdown' | 'sendText'> {
  /** Shows "typing…" now and every few seconds until stop() is called. */
  startTyping(chatId: number): { stop(): void };
  /**
   * A status message created on the first update and then edited, at most once per throttle interval,
   * always to the newest text. done() edits it to `finalText`, or deletes it when there is none.
   */
  statusLine(chatId: number, extra?: { replyMarkup?: InlineKeyboardMarkup }): StatusLine;
}

/** What Claude's output needs besides: pre-rendered messages, files, and answers streamed as written. */
export interface AnswerDelivery extends Delivery, Pick<Sender, 'sendHtml' | 'sendDocument'> {
  /** An answer shown while it is written: drafts in a private chat, an edited preview in a group. */
  answerStream(chatId: number): AnswerStream;
}

export interface DeliveryOptions {
  /** Above this many chunks an answer is sent as its first chunk plus a file. Default 4. */
  maxMessages?: number;
  /** Above this many characters of Markdown, the same. Default 12,000. */
  fileAboveChars?: number;
  /** How often a streamed answer is updated. */
  streamPace?: StreamPace;
  /** Default 4000 ms: Telegram shows "typing" for 5 s. */
  typingIntervalMs?: number;
  /** Default 1500 ms between edits of a status message. */
  statusThrottleMs?: number;
  timers?: DeliveryTimers;
}

/**
 * @example
 * const delivery = createDelivery(bot.api, logger);
 * const typing = delivery.startTyping(chatId);
 * await delivery.sendMarkdown(chatId, answer, { label: 'homelab' });
 * typing.stop();
 */
export function createDelivery(api: Api, logger: Logger, options: DeliveryOptions = {}): AnswerDelivery {
  const timers = options.timers ?? systemTimers;
  const typingIntervalMs = options.typingIntervalMs ?? 4000;
  const statusThrottleMs = options.statusThrottleMs ?? 1500;
  const sender = createSender(api, logger, {
    maxMessages: options.maxMessages ?? 4,
    fileAboveChars: options.fileAboveChars ?? 12_000,
  });
  const pace = options.streamPace;
  return {
    sendMarkdown: sender.sendMarkdown,
    sendText: sender.sendText,
    sendHtml: sender.sendHtml,
    sendDocument: sender.sendDocument,
    answerStream: (chatId) => createAnswerStream(api, logger, chatId, { timers, ...(pace ? { pace } : {}) }),
    startTyping: (chatId) => startTyping(api, logger, chatId, { intervalMs: typingIntervalMs, timers }),
    statusLine: (chatId, extra) =>
      createStatusLine(api, logger, chatId, { throttleMs: statusThrottleMs, timers, ...extra }),
  };
}
