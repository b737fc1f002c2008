import { randomInt } from 'node:crypto';
import type { Api } from 'grammy';
import type { Logger } from '../logging.ts';
import { isNotModified, isRefusal, NO_PREVIEW } from './delivery/refusals.ts';
import type { DeliveryTimers } from './delivery/timers.ts';
import { renderMarkdown, TELEGRAM_MESSAGE_LIMIT } from './render/index.ts';

/** An answer shown while Claude writes it. */
export interface AnswerStream {
  /** The answer so far (the whole text, not a piece). Never blocks: the newest text is sent when the pace allows. */
  update(text: string): void;
  /** Nothing more is sent; a write still on its way is abandoned. Resolves at once, never throws. */
  stop(): Promise<void>;
  /** Once the final answer is sent: the preview a group saw goes (a private chat's draft vanishes by itself). */
  discard(): Promise<void>;
}

export interface StreamPace {
  /** Between drafts in a private chat; the first draft goes at once. */
  draftIntervalMs: number;
  /** Between edits of the preview message in a group (Telegram allows a group 20 messages a minute). */
  editIntervalMs: number;
}

export const DEFAULT_STREAM_PACE: StreamPace = { draftIntervalMs: 1_000, editIntervalMs: 4_000 };

/** How much of the end of a long answer a preview shows: a preview is for watching it grow. */
const PREVIEW_SOURCE_CHARS = 3_500;

/** The end of `markdown`, from a line start, rendered; `plain` when markup is not to be trusted. */
export function previewOf(markdown: string): { html: string; plain: string } {
  let source = markdown;
  if (source.length > PREVIEW_SOURCE_CHARS) {
    const from = source.length - PREVIEW_SOURCE_CHARS;
    const lineStart = source.indexOf('\n', from);
    source = `…\n${source.slice(lineStart >= 0 && lineStart < source.length - 1 ? lineStart + 1 : from)}`;
  }
  const chunk = renderMarkdown(source, { maxLength: TELEGRAM_MESSAGE_LIMIT }).at(-1);
  return chunk ?? { html: '', plain: source.trim() };
}

type GrammySignal = Parameters<Api['sendMessage']>[3];

/** A non-zero draft id; random, so a stream never continues another's draft. */
const newDraftId = (): number => randomInt(1, 2 ** 31 - 1);

/**
 * Streams an answer into `chatId` as it is written: `sendMessageDraft` in a private chat, one
 * preview message edited in place in a group. Only the newest text is sent, at most once per
 * interval of `pace`, so a long answer never meets flood control. Failures are logged and end
 * the preview; the final answer is the caller's, as a normal message.
 */
export function createAnswerStream(
  api: Api,
  logger: Logger,
  chatId: number,
  options: { timers: DeliveryTimers; pace?: StreamPace },
): AnswerStream {
  const { timers } = options;
  const pace = options.pace ?? DEFAULT_STREAM_PACE;
  const isPrivate = chatId > 0;
  const intervalMs = isPrivate ? pace.draftIntervalMs : pace.editIntervalMs;
  const draftId = newDraftId();
  let previewId: number | undefined;
  let plainOnly = false;
  let pending: string | undefined;
  let shown: string | undefined;
  let lastWriteAt = Number.NEGATIVE_INFINITY;
  let timer: unknown;
  let writing: Promise<void> | undefined;
  let abort: AbortController | undefined;
  let stopped = false;

  async function send(text: string, abortSignal: AbortSignal): Promise<void> {
    // grammY types its signal with the abort-controller polyfill's AbortSignal; Node's is compatible.
    const signal = abortSignal as unknown as GrammySignal;
    const preview = previewOf(text);
    const html = plainOnly ? undefined : preview.html;
    const body = html ?? preview.plain;
    if (body.trim() === '') return;
    const format = html === undefined ? {} : { parse_mode: 'HTML' as const };
    if (isPrivate) {
      await api.sendMessageDraft(chatId, draftId, body, format, signal);
    } else if (previewId === undefined) {
      const sent = await api.sendMessage(
        chatId,
        body,
        { ...format, ...NO_PREVIEW, disable_notification: true },
        signal,
      );
      previewId = sent.message_id;
    } else {
      await api.editMessageText(chatId, previewId, body, { ...format, ...NO_PREVIEW }, signal);
    }
  }

  async function write(text: string): Promise<void> {
    const controller = new AbortController();
    abort = controller;
    try {
      await send(text, controller.signal);
      shown = text;
    } catch (error) {
      if (stopped || isNotModified(error)) return;
      if (isRefusal(error) && error.error_code === 400 && !plainOnly) {
        // The partial Markdown rendered to markup Telegram refused: plain text from now on.
        plainOnly = true;
        pending ??= text;
        return;
      }
      logger.warn({ chatId, err: error }, 'streaming the answer failed; the final answer still follows');
      stopped = true;
    } finally {
      abort = undefined;
    }
  }

  function flush(): void {
    timer = undefined;
    const text = pending;
    pending = undefined;
    if (text === undefined || text === shown || stopped) return;
    lastWriteAt = timers.now();
    writing = write(text).finally(() => {
      writing = undefined;
      if (pending !== undefined && !stopped) schedule();
    });
  }

  function schedule(): void {
    if (timer !== undefined || writing !== undefined) return;
    const wait = lastWriteAt + intervalMs - timers.now();
    if (wait <= 0) flush();
    else timer = timers.setTimeout(flush, wait);
  }

  return {
    update(text) {
      if (stopped || text.trim() === '') return;
      pending = text;
      schedule();
    },
    async stop() {
      stopped = true;
      pending = undefined;
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
      abort?.abort();
      await writing;
    },
    async discard() {
      const id = previewId;
      previewId = undefined;
      if (id === undefined) return;
      await api.deleteMessage(chatId, id).catch((error: unknown) => {
        logger.warn({ chatId, err: error }, 'could not remove the answer preview');
      });
    },
  };
}
