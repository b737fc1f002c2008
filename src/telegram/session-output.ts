import type { InlineKeyboardMarkup } from 'grammy/types';
import type { ClaudeEvent } from '../claude/events.ts';
import type { Logger } from '../logging.ts';
import type { OutputMode } from '../sessions/session-store.ts';
import type { AnswerKeeper, KeptAnswer } from './answers.ts';
import { errorNotice, NO_TEXT_ANSWER, retryingLine, shuttingDownNotice } from './copy/claude.ts';
import { usageLimitLiftedNotice, usageLimitNotice } from './copy/stop.ts';
import { verboseToolMessage } from './copy/verbose.ts';
import { type DeliveryTimers, systemTimers } from './delivery/timers.ts';
import type { AnswerDelivery } from './delivery.ts';
import { sendFinalAnswer } from './final-answer.ts';
import { answeredAfterRestartNotice } from './journal-text.ts';
import { errorButtons } from './lifecycle-buttons.ts';
import { TurnDisplay, type TurnState } from './turn-display.ts';

/**
 * Turns a session's Claude events into what the chat sees: while a turn runs, typing, its status
 * message and its answer growing (TurnDisplay); then the answer itself, as the session's output
 * mode wants it, and every notice, each session's in order. Output
 * of a session that is not the chat's active one is labelled with its name. What Telegram does not
 * take after its retries is kept (see AnswerKeeper).
 */
export class SessionOutput {
  private readonly display: TurnDisplay;
  /** Each session's output goes out strictly in order, even when Telegram makes one send wait. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly timers: DeliveryTimers;

  constructor(
    private readonly deps: {
      delivery: AnswerDelivery;
      activeSessionOf: (chatId: number) => Promise<string | undefined>;
      /** Whether the session's Claude is answering or has messages waiting from the chat. */
      isBusy: (session: string, chatId: number) => boolean;
      /** The buttons of a running turn's status message (Stop) and of a usage-limit notice (Cancel). */
      controlButtons?: {
        stop(session: string): InlineKeyboardMarkup;
        cancelHeld(session: string): InlineKeyboardMarkup;
      };
      outputModeOf?: (session: string) => Promise<OutputMode>;
      keeper?: AnswerKeeper;
      timers?: DeliveryTimers;
      logger: Logger;
    },
  ) {
    this.timers = deps.timers ?? systemTimers;
    this.display = new TurnDisplay({
      delivery: deps.delivery,
      timers: this.timers,
      stopButton: (session) => deps.controlButtons?.stop(session),
    });
  }

  /**
   * A message was queued for `session`: show typing until Claude has nothing left to answer.
   * Asked of the process rather than counted, so a turn that ended before this call (or a
   * message Claude Code gave up on) can never leave typing on.
   */
  queued(chatId: number, session: string): void {
    const turn = this.display.of(chatId, session);
    if (this.deps.isBusy(session, chatId)) this.display.typing(chatId, turn);
  }

  handle(chatId: number, session: string, event: ClaudeEvent): void {
    this.inOrder(session, () => this.present(chatId, session, event));
  }

  /**
   * The bot is shutting down with `unanswered` messages of the session still being worked on or
   * waiting: Telegram will not deliver them again, so the owner must hear of it.
   */
  shuttingDown(chatId: number, session: string, unanswered: number, answeredOnRestart = false): void {
    // With the inbound journal, the next start takes them up again (journal-turns.ts).
    const notice = answeredOnRestart
      ? answeredAfterRestartNotice(unanswered)
      : shuttingDownNotice(unanswered);
    // Not kept when Telegram does not take it: the next start tells of these turns itself.
    this.inOrder(session, () => this.sendLabelled(chatId, session, notice, undefined, false));
  }

  /** Runs `task` once everything already queued for the session has been sent (or has failed). */
  afterOutput(session: string, task: () => Promise<void>): void {
    this.inOrder(session, task);
  }

  /** Resolves once everything queued for the chat so far has been sent (or has failed). */
  async drained(): Promise<void> {
    await Promise.allSettled([...this.chains.values()]);
  }

  /** Runs `task` after everything already queued for the session. */
  private inOrder(session: string, task: () => Promise<void>): void {
    const next = (this.chains.get(session) ?? Promise.resolve())
      .then(task)
      .catch((error: unknown) =>
        this.deps.logger.error({ err: error, session }, 'could not deliver Claude output'),
      );
    this.chains.set(session, next);
  }

  private async present(chatId: number, session: string, event: ClaudeEvent): Promise<void> {
    const turn = this.display.of(chatId, session);
    switch (event.type) {
      case 'started':
        return;
      case 'text_delta':
        this.display.streamed(chatId, turn, event.text);
        return;
      case 'text':
        turn.texts.push(event.text);
        return;
      case 'tool':
        if (event.phase === 'started') {
          // Text written before a tool call is not the answer: the next text starts afresh.
          turn.streamed = '';
          this.display.progress(chatId, session, turn, (progress) =>
            progress.toolStarted(event.name, event.input),
          );
        } else if ((await this.modeOf(session, turn)) === 'verbose') {
          await this.sendKept(chatId, session, () =>
            this.deps.delivery.sendHtml(chatId, verboseToolMessage(event)),
          );
        }
        return;
      case 'retrying':
        this.display.progress(chatId, session, turn, (progress) => progress.note(retryingLine(event)));
        return;
      case 'error':
        turn.failed = true;
        // A process that died or gave up ends no turn with a result: its status and typing end here.
        if (!this.deps.isBusy(session, chatId)) await this.display.end(turn);
        await this.sendLabelled(chatId, session, errorNotice(event, session), errorButtons(event, session));
        return;
      case 'usage_limit': {
        // Not a failure to report as one, and nothing to answer until the reset: typing stops.
        turn.failed = true;
        await this.display.end(turn);
        const notice = usageLimitNotice(event, this.timers.now());
        const buttons = event.held > 0 ? this.deps.controlButtons?.cancelHeld(session) : undefined;
        await this.sendLabelled(chatId, session, notice, buttons);
        return;
      }
      case 'usage_limit_lifted':
        if (this.deps.isBusy(session, chatId)) this.display.typing(chatId, turn);
        await this.sendLabelled(chatId, session, usageLimitLiftedNotice(event.sending));
        return;
      case 'completed': {
        const answer = event.answer.trim() || turn.texts.join('\n\n').trim();
        const failed = turn.failed && event.isError;
        turn.texts = [];
        turn.failed = false;
        const mode = await this.modeOf(session, turn);
        const stream = turn.stream;
        await this.display.end(turn, this.deps.isBusy(session, chatId));
        // A stopped turn with nothing written says nothing: `/stop` has answered.
        if (failed || (event.interrupted && !answer)) return;
        const label = (await this.deps.activeSessionOf(chatId)) === session ? undefined : session;
        if (answer) this.deps.keeper?.remember(session, answer);
        const kept = { session, answer: answer || NO_TEXT_ANSWER, mode };
        await this.sendKept(
          chatId,
          session,
          () => sendFinalAnswer(this.deps.delivery, chatId, kept.answer, { mode, label }),
          { answer: kept },
        );
        await stream?.discard();
        return;
      }
    }
  }

  private async modeOf(session: string, turn: TurnState): Promise<OutputMode> {
    turn.mode ??= (await this.deps.outputModeOf?.(session)) ?? 'default';
    return turn.mode;
  }

  /** Plain text to the chat, labelled with the session's name unless it is the chat's active one. */
  private async sendLabelled(
    chatId: number,
    session: string,
    text: string,
    replyMarkup?: InlineKeyboardMarkup,
    keep = true,
  ): Promise<void> {
    const active = (await this.deps.activeSessionOf(chatId)) === session;
    const labelled = active ? text : `[${session}] ${text}`;
    await this.sendKept(
      chatId,
      session,
      () => this.deps.delivery.sendText(chatId, labelled, replyMarkup ? { replyMarkup } : undefined),
      keep ? { notice: labelled } : undefined,
    );
  }

  /** Runs a send; when Telegram could not be reached even after the retries, the keeper keeps it. */
  private async sendKept(
    chatId: number,
    session: string,
    send: () => Promise<unknown>,
    keep?: { answer: KeptAnswer } | { notice: string },
  ): Promise<void> {
    try {
      await send();
    } catch (error) {
      const keeper = this.deps.keeper;
      if (!keeper) throw error;
      const kind = keep === undefined ? 'output' : 'answer' in keep ? 'answer' : 'notice';
      this.deps.logger.warn(
        { err: error, chatId, session, kind },
        keep ? 'Telegram did not take Claude output; kept' : 'Telegram did not take Claude output',
      );
      if (keep && 'answer' in keep) keeper.answerNotDelivered(chatId, keep.answer);
      else if (keep) keeper.noticeNotDelivered(chatId, keep.notice);
      // On disk before the turn is marked done in the journal (afterOutput), or a SIGKILL between
      // the two would lose it.
      await keeper.saved();
    }
  }
}
