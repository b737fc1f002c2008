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
    for (const old of missed.answers.splice(0, missed.answers.length - MAX_KEPT_ANSWERS))
      missed.dropped.set(old.session, (missed.dropped.get(old.session) ?? 0) + 1);
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
      missed = {
        answers: [],
        dropped: new Map(),
        notices: [],
        delayMs: this.deps.firstRetryMs ?? 2_000,
      };
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
    const items = [...this.lateAnswers(chatId, missed, active), ...this.keptNotices(chatId, missed)];
    try {
      // What was told is told, even if the next one fails.
      for (const item of items) {
        await item.send();
        item.told();
      }
      this.deps.logger.info({ chatId }, 'told the chat what Telegram did not take');
      missed.timer = undefined;
      // More may have gone missing while this was told.
      if (missed.answers.length === 0 && missed.dropped.size === 0 && missed.notices.length === 0)
        this.missed.delete(chatId);
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

  /** Per session, in the order its first answer was missed: a line saying so, then the answers. */
  private lateAnswers(chatId: number, missed: Missed, active: string | undefined): TellItem[] {
    const sessions = [...new Set([...missed.dropped.keys(), ...missed.answers.map((kept) => kept.session)])];
    return sessions.flatMap((session) => {
      const kept = missed.answers.filter((answer) => answer.session === session);
      const label = session === active ? undefined : session;
      const header: TellItem = {
        send: () =>
          this.deps.send(
            chatId,
            lateAnswersText({
              session,
              late: kept.length,
              dropped: missed.dropped.get(session) ?? 0,
              active: session === active,
            }),
          ),
        told: () => missed.dropped.delete(session),
      };
      const answers = kept.map((answer) => ({
        send: () => this.deps.sendAnswer(chatId, answer, label),
        told: () => {
          missed.answers = missed.answers.filter((other) => other !== answer);
        },
      }));
      return [header, ...answers];
    });
  }

  private keptNotices(chatId: number, missed: Missed): TellItem[] {
    return missed.notices.map((notice) => ({
      send: () => this.deps.send(chatId, notice),
      told: () => {
        missed.notices = missed.notices.filter((kept) => kept !== notice);
      },
    }));
  }
}

interface TellItem {
  send: () => Promise<unknown>;
  told: () => void;
}
