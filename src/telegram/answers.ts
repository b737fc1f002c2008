import type { Logger } from '../logging.ts';
import type { KeptAnswer, UndeliveredChat } from '../state/undelivered.ts';
import { lateAnswersText } from './copy/output.ts';
import type { DeliveryTimers } from './delivery/timers.ts';

export type { KeptAnswer } from '../state/undelivered.ts';

/** Kept notices per chat: enough to tell what went wrong, not a transcript. */
const MAX_KEPT_NOTICES = 10;
/** Kept answers per chat; older ones are only counted (the newest stays in `/last`). */
const MAX_KEPT_ANSWERS = 10;

interface Owed {
  /** Answers Telegram did not take, oldest first. */
  answers: KeptAnswer[];
  /** Answers past MAX_KEPT_ANSWERS, per session: only counted. */
  dropped: Map<string, number>;
  /** Notices Telegram did not take, sent again as they were. */
  notices: string[];
}

interface Missed extends Owed {
  /** What a try is sending right now, taken out of the above (a miss meanwhile leaves it alone). */
  telling?: Owed;
  timer?: unknown;
  delayMs: number;
}

const nothingOwed = (): Owed => ({ answers: [], dropped: new Map(), notices: [] });

/**
 * Keeps every session's last answer (for `/last`) and what Telegram did not take after the api's
 * retries: the chat is then tried again and again with growing waits, and as soon as Telegram
 * takes messages the missed answers arrive late, each session's under a line saying so. What is
 * owed is also saved (`store`), so a restart meanwhile sends it too (`restore`).
 */
export class AnswerKeeper {
  private readonly lastAnswers = new Map<string, string>();
  private readonly missed = new Map<number, Missed>();
  private closed = false;
  private saving: Promise<void> = Promise.resolve();
  private readonly trying = new Set<Promise<void>>();

  constructor(
    private readonly deps: {
      /** Sends plain text; throws when Telegram could not be reached. */
      send: (chatId: number, text: string) => Promise<unknown>;
      /** Sends an answer as the turn would have (labelled when `label` is set); throws likewise. */
      sendAnswer: (chatId: number, kept: KeptAnswer, label: string | undefined) => Promise<unknown>;
      activeSessionOf: (chatId: number) => Promise<string | undefined>;
      /** Where what is owed is saved after every change. */
      store?: { save(chats: UndeliveredChat[]): Promise<void> };
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
    this.changed(chatId, missed);
  }

  noticeNotDelivered(chatId: number, text: string): void {
    const missed = this.missedIn(chatId);
    missed.notices = [...missed.notices, text].slice(-MAX_KEPT_NOTICES);
    this.changed(chatId, missed);
  }

  /** Takes up what an earlier run saved and could not send: before what this run missed. */
  restore(chats: readonly UndeliveredChat[]): void {
    for (const chat of chats) {
      const missed = this.missedIn(chat.chatId);
      const thisRun = takeOwed(missed);
      addOwed(missed, {
        answers: chat.answers,
        dropped: new Map(Object.entries(chat.dropped)),
        notices: chat.notices,
      });
      addOwed(missed, thisRun);
      this.changed(chat.chatId, missed);
    }
  }

  /** Chats still owed a word (tests and shutdown). */
  get waiting(): number {
    return this.missed.size;
  }

  /**
   * Stops asking after Telegram (shutdown). What is owed, and what a send still on its way fails
   * to deliver, stays saved for the next start (`drained()`).
   */
  close(): void {
    this.closed = true;
    for (const missed of this.missed.values()) {
      if (missed.timer !== undefined) this.deps.timers.clearTimeout(missed.timer);
      missed.timer = undefined;
    }
  }

  /** Settles once the tries under way have ended and the newest picture of what is owed is on disk. */
  async drained(): Promise<void> {
    await Promise.allSettled([...this.trying]);
    await this.saved();
  }

  /** Settles once the newest picture of what is owed is on disk. */
  async saved(): Promise<void> {
    let written: Promise<void>;
    do {
      written = this.saving;
      await written;
    } while (written !== this.saving);
  }

  private missedIn(chatId: number): Missed {
    let missed = this.missed.get(chatId);
    if (!missed) {
      missed = { ...nothingOwed(), delayMs: this.deps.firstRetryMs ?? 2_000 };
      this.missed.set(chatId, missed);
    }
    return missed;
  }

  private changed(chatId: number, missed: Missed): void {
    this.save();
    this.schedule(chatId, missed);
  }

  /** `missed.timer` stays set while the chat is being told, so a miss meanwhile waits for that. */
  private schedule(chatId: number, missed: Missed): void {
    if (missed.timer !== undefined || this.closed) return;
    missed.timer = this.deps.timers.setTimeout(() => {
      const attempt = this.tell(chatId, missed);
      this.trying.add(attempt);
      void attempt.finally(() => this.trying.delete(attempt));
    }, missed.delayMs);
  }

  /**
   * Sends the chat what it missed: per session, in the order of its first miss, a line saying so and
   * then its answers; then the notices. When Telegram fails again, what is left goes back in front
   * of what was missed meanwhile (a session's line comes again before its answers left), and the
   * next try waits twice as long.
   */
  private async tell(chatId: number, missed: Missed): Promise<void> {
    const telling = takeOwed(missed);
    missed.telling = telling;
    try {
      const active = await this.deps.activeSessionOf(chatId);
      const sessions = new Set([...telling.dropped.keys(), ...telling.answers.map((kept) => kept.session)]);
      for (const session of sessions) {
        if (this.closed) return;
        const answers = telling.answers.filter((kept) => kept.session === session);
        const dropped = telling.dropped.get(session) ?? 0;
        const isActive = session === active;
        await this.deps.send(
          chatId,
          lateAnswersText({ session, late: answers.length, dropped, active: isActive }),
        );
        telling.dropped.delete(session);
        for (const kept of answers) {
          if (this.closed) return;
          await this.deps.sendAnswer(chatId, kept, isActive ? undefined : session);
          telling.answers.splice(telling.answers.indexOf(kept), 1);
          this.save();
        }
      }
      for (const notice of [...telling.notices]) {
        if (this.closed) return;
        await this.deps.send(chatId, notice);
        telling.notices.shift();
        this.save();
      }
      this.deps.logger.info({ chatId }, 'told the chat what Telegram did not take');
      missed.delayMs = this.deps.firstRetryMs ?? 2_000;
    } catch (error) {
      missed.delayMs = Math.min(missed.delayMs * 2, this.deps.maxRetryMs ?? 30_000);
      this.deps.logger.warn(
        { chatId, err: error, nextTryMs: missed.delayMs },
        'Telegram still not taking messages',
      );
    }
    // What is left goes back in front of what was missed meanwhile.
    const meanwhile = takeOwed(missed);
    missed.telling = undefined;
    missed.timer = undefined;
    addOwed(missed, telling);
    addOwed(missed, meanwhile);
    if (isEmpty(missed)) this.missed.delete(chatId);
    this.save();
    if (!isEmpty(missed)) this.schedule(chatId, missed);
  }

  private save(): void {
    if (!this.deps.store) return;
    const chats: UndeliveredChat[] = [];
    for (const [chatId, missed] of this.missed) {
      // What a try is sending is owed until it has gone.
      const owed = nothingOwed();
      if (missed.telling) addOwed(owed, missed.telling);
      addOwed(owed, missed);
      if (isEmpty(owed)) continue;
      chats.push({
        chatId,
        answers: owed.answers,
        dropped: Object.fromEntries(owed.dropped),
        notices: owed.notices,
      });
    }
    this.saving = this.deps.store.save(chats);
  }
}

/** Takes what `missed` owes out of it, leaving it owing nothing. */
function takeOwed(missed: Owed): Owed {
  const owed: Owed = { answers: missed.answers, dropped: missed.dropped, notices: missed.notices };
  Object.assign(missed, nothingOwed());
  return owed;
}

/** Appends `more` to `owed` (answers and notices after, counts added), within the caps. */
function addOwed(owed: Owed, more: Owed): void {
  owed.answers = [...owed.answers, ...more.answers];
  for (const [session, count] of more.dropped)
    owed.dropped.set(session, (owed.dropped.get(session) ?? 0) + count);
  owed.notices = [...owed.notices, ...more.notices].slice(-MAX_KEPT_NOTICES);
  keepNewest(owed);
}

const isEmpty = (owed: Owed) =>
  owed.answers.length === 0 && owed.dropped.size === 0 && owed.notices.length === 0;

/** Past MAX_KEPT_ANSWERS, the oldest answers are let go and only counted. */
function keepNewest(owed: Owed): void {
  while (owed.answers.length > MAX_KEPT_ANSWERS) {
    const oldest = owed.answers.shift() as KeptAnswer;
    owed.dropped.set(oldest.session, (owed.dropped.get(oldest.session) ?? 0) + 1);
  }
}
