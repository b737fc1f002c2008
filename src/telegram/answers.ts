import type { Logger } from '../logging.ts';
import type { OutputMode } from '../sessions/session-store.ts';
import { lateAnswersText } from './copy/output.ts';
import type { DeliveryTimers } from './delivery/timers.ts';

/** Kept notices per chat: enough to tell what went wrong, not a transcript. */
const MAX_KEPT_NOTICES = 10;
/** Kept answers per chat; older ones are only counted (the newest stays in `/last`). */
const MAX_KEPT_ANSWERS = 10;

/** An answer Telegram did not take, as it was to be sent. */
export interface KeptAnswer {
  session: string;
  answer: string;
  mode: OutputMode;
}

interface Missed {
  /** Answers Telegram did not take, oldest first, sent again once it takes messages. */
  answers: KeptAnswer[];
  /** Answers past MAX_KEPT_ANSWERS, per session: only counted. */
  dropped: Map<string, number>;
  /** Notices Telegram did not take, sent again as they were. */
  notices: string[];
  timer?: unknown;
  delayMs: number;
}

/**
 * Keeps every session's last answer (for `/last`) and what Telegram did not take after the api's
 * retries: the chat is then tried again and again with growing waits, and as soon as Telegram
 * takes messages the missed answers arrive late, each session's under a line saying so. In
 * memory: a restart forgets it.
 */
export class AnswerKeeper {
  private readonly lastAnswers = new Map<string, string>();
  private readonly missed = new Map<number, Missed>();

  constructor(
    private readonly deps: {
      /** Sends plain text; throws when Telegram could not be reached. */
      send: (chatId: number, text: string) => Promise<unknown>;
      /** Sends an answer as the turn would have (labelled when `label` is set); throws likewise. */
      sendAnswer: (chatId: number, kept: KeptAnswer, label: string | undefined) => Promise<unknown>;
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

  answerNotDelivered(chatId: number, kept: KeptAnswer): void {
    const missed = this.missedIn(chatId);
    missed.answers.push(kept);
    keepNewest(missed);
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
      missed = { answers: [], dropped: new Map(), notices: [], delayMs: this.deps.firstRetryMs ?? 2_000 };
      this.missed.set(chatId, missed);
    }
    return missed;
  }

  /** `missed.timer` stays set while the chat is being told, so a miss meanwhile waits for that. */
  private schedule(chatId: number, missed: Missed): void {
    if (missed.timer !== undefined) return;
    missed.timer = this.deps.timers.setTimeout(() => void this.tell(chatId, missed), missed.delayMs);
  }

  /**
   * Sends the chat what it missed: per session, in the order of its first miss, a line saying so and
   * then its answers; then the notices. When Telegram fails again, what is left goes back in front
   * of what was missed meanwhile (a session's line comes again before its answers left), and the
   * next try waits twice as long.
   */
  private async tell(chatId: number, missed: Missed): Promise<void> {
    // Taken out while being sent, so a miss meanwhile (and the cap it applies) leaves these alone.
    const telling = { answers: missed.answers, dropped: missed.dropped, notices: missed.notices };
    missed.answers = [];
    missed.dropped = new Map();
    missed.notices = [];
    try {
      const active = await this.deps.activeSessionOf(chatId);
      const sessions = new Set([...telling.dropped.keys(), ...telling.answers.map((kept) => kept.session)]);
      for (const session of sessions) {
        const answers = telling.answers.filter((kept) => kept.session === session);
        const dropped = telling.dropped.get(session) ?? 0;
        const isActive = session === active;
        await this.deps.send(
          chatId,
          lateAnswersText({ session, late: answers.length, dropped, active: isActive }),
        );
        telling.dropped.delete(session);
        for (const kept of answers) {
          await this.deps.sendAnswer(chatId, kept, isActive ? undefined : session);
          telling.answers.splice(telling.answers.indexOf(kept), 1);
        }
      }
      for (const notice of [...telling.notices]) {
        await this.deps.send(chatId, notice);
        telling.notices.shift();
      }
      this.deps.logger.info({ chatId }, 'told the chat what Telegram did not take');
    } catch (error) {
      missed.answers = [...telling.answers, ...missed.answers];
      keepNewest(missed);
      for (const [session, count] of telling.dropped)
        missed.dropped.set(session, (missed.dropped.get(session) ?? 0) + count);
      missed.notices = [...telling.notices, ...missed.notices].slice(-MAX_KEPT_NOTICES);
      missed.delayMs = Math.min(missed.delayMs * 2, this.deps.maxRetryMs ?? 30_000);
      this.deps.logger.warn(
        { chatId, err: error, nextTryMs: missed.delayMs },
        'Telegram still not taking messages',
      );
    }
    missed.timer = undefined;
    if (this.missed.get(chatId) !== missed) return; // closed meanwhile
    if (missed.answers.length === 0 && missed.dropped.size === 0 && missed.notices.length === 0)
      this.missed.delete(chatId);
    else this.schedule(chatId, missed);
  }
}

/** Past MAX_KEPT_ANSWERS, the oldest answers are let go and only counted. */
function keepNewest(missed: Missed): void {
  while (missed.answers.length > MAX_KEPT_ANSWERS) {
    const oldest = missed.answers.shift() as KeptAnswer;
    missed.dropped.set(oldest.session, (missed.dropped.get(oldest.session) ?? 0) + 1);
  }
}
