import type { Logger } from '../logging.ts';
import { undeliveredText } from './copy/output.ts';
import type { DeliveryTimers } from './delivery/timers.ts';

/** Kept notices per chat: enough to tell what went wrong, not a transcript. */
const MAX_KEPT_NOTICES = 10;

interface Missed {
  /** Per session: answers Telegram did not take. */
  answers: Map<string, number>;
  /** Notices Telegram did not take, sent again as they were. */
  notices: string[];
  timer?: unknown;
  delayMs: number;
}

/**
 * Keeps every session's last answer (for `/last`) and remembers what Telegram did not take after
 * the api's retries: the chat is then asked after, again and again with growing waits, and told
 * as soon as Telegram takes messages again. In memory: a restart forgets it.
 */
export class AnswerKeeper {
  private readonly lastAnswers = new Map<string, string>();
  private readonly missed = new Map<number, Missed>();

  constructor(
    private readonly deps: {
      /** Sends plain text; throws when Telegram could not be reached. */
      send: (chatId: number, text: string) => Promise<unknown>;
      activeSessionOf: (chatId: number) => Promise<string | undefined>;
      timers: DeliveryTimers;
      logger: Logger;
      firstRetryMs?: number;
      maxRetryMs?: number;
    },
  ) {}

  remember(session: string, answer: string): void {
    this.lastAnswers.set(session, answer);
  }

  /** The session's last answer, in full. */
  last(session: string): string | undefined {
    return this.lastAnswers.get(session);
  }

  answerNotDelivered(chatId: number, session: string): void {
    const missed = this.missedIn(chatId);
    missed.answers.set(session, (missed.answers.get(session) ?? 0) + 1);
    this.schedule(chatId, missed);
  }

  noticeNotDelivered(chatId: number, text: string): void {
    const missed = this.missedIn(chatId);
    missed.notices = [...missed.notices, text].slice(-MAX_KEPT_NOTICES);
    this.schedule(chatId, missed);
  }

  /** Chats still owed a word (tests and shutdown). */
  get waiting(): number {
    return this.missed.size;
  }

  /** Stops asking after Telegram (shutdown). */
  close(): void {
    for (const missed of this.missed.values())
      if (missed.timer !== undefined) this.deps.timers.clearTimeout(missed.timer);
    this.missed.clear();
  }

  private missedIn(chatId: number): Missed {
    let missed = this.missed.get(chatId);
    if (!missed) {
      missed = { answers: new Map(), notices: [], delayMs: this.deps.firstRetryMs ?? 2_000 };
      this.missed.set(chatId, missed);
    }
    return missed;
  }

  /** `missed.timer` stays set while the chat is being told, so a miss meanwhile waits for that. */
  private schedule(chatId: number, missed: Missed): void {
    if (missed.timer !== undefined) return;
    missed.timer = this.deps.timers.setTimeout(() => void this.tell(chatId, missed), missed.delayMs);
  }

  /** Tells the chat what it missed; when Telegram still does not take it, tries again later. */
  private async tell(chatId: number, missed: Missed): Promise<void> {
    const active = await this.deps.activeSessionOf(chatId);
    const items = [
      ...[...missed.answers].map(([session, answers]) => ({
        text: undeliveredText({ session, answers, active: session === active }),
        told: () => missed.answers.delete(session),
      })),
      ...missed.notices.map((notice) => ({
        text: notice,
        told: () => {
          missed.notices = missed.notices.filter((kept) => kept !== notice);
        },
      })),
    ];
    try {
      // What was told is told, even if the next one fails.
      for (const item of items) {
        await this.deps.send(chatId, item.text);
        item.told();
      }
      this.deps.logger.info({ chatId }, 'told the chat what Telegram did not take');
      missed.timer = undefined;
      // More may have gone missing while this was told.
      if (missed.answers.size === 0 && missed.notices.length === 0) this.missed.delete(chatId);
      else this.schedule(chatId, missed);
    } catch (error) {
      missed.timer = undefined;
      missed.delayMs = Math.min(missed.delayMs * 2, this.deps.maxRetryMs ?? 30_000);
      this.deps.logger.warn(
        { chatId, err: error, nextTryMs: missed.delayMs },
        'Telegram still not taking messages',
      );
      this.schedule(chatId, missed);
    }
  }
}
