// Sending to Telegram, composed from one file per job: delivery/send.ts (answers with their
// fallbacks), delivery/typing.ts, delivery/status-line.ts. Retries belong to the api (api.ts).
import type { Api } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Logger } from '../logging.ts';
import { createSender } from './delivery/send.ts';
import { createStatusLine, type StatusLine } from './delivery/status-line.ts';
import { type DeliveryTimers, systemTimers } from './delivery/timers.ts';
import { startTyping } from './delivery/typing.ts';

export type { StatusLine } from './delivery/status-line.ts';
export type { DeliveryTimers } from './delivery/timers.ts';

/** Sending to Telegram: long answers, fallbacks, typing and live status messages. */
export interface Delivery {
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
  /** Shows "typing…" now and every few seconds until stop() is called. */
  startTyping(chatId: number): { stop(): void };
  /**
   * A status message created on the first update and then edited, at most once per throttle interval,
   * always to the newest text. done() edits it to `finalText`, or deletes it when there is none.
   */
  statusLine(chatId: number, extra?: { replyMarkup?: InlineKeyboardMarkup }): StatusLine;
}

export interface DeliveryOptions {
  /** Above this many chunks an answer is sent as its first chunk plus a file. Default 4. */
  maxMessages?: number;
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
export function createDelivery(api: Api, logger: Logger, options: DeliveryOptions = {}): Delivery {
  const timers = options.timers ?? systemTimers;
  const typingIntervalMs = options.typingIntervalMs ?? 4000;
  const statusThrottleMs = options.statusThrottleMs ?? 1500;
  const sender = createSender(api, logger, { maxMessages: options.maxMessages ?? 4 });
  return {
    sendMarkdown: sender.sendMarkdown,
    sendText: sender.sendText,
    startTyping: (chatId) => startTyping(api, logger, chatId, { intervalMs: typingIntervalMs, timers }),
    statusLine: (chatId, extra) =>
      createStatusLine(api, logger, chatId, { throttleMs: statusThrottleMs, timers, ...extra }),
  };
}
