import type { InlineKeyboardMarkup } from 'grammy/types';
import type { ClaudeEvent } from '../claude/events.ts';
import type { Logger } from '../logging.ts';
import type { OutputMode } from '../sessions/session-store.ts';
import type { AnswerKeeper } from './answers.ts';
import {
  errorNotice,
  NO_TEXT_ANSWER,
  retryingLine,
  shuttingDownNotice,
  toolRefusedNotice,
} from './copy/claude.ts';
import { usageLimitLiftedNotice, usageLimitNotice } from './copy/stop.ts';
import { verboseToolMessage } from './copy/verbose.ts';
import { type DeliveryTimers, systemTimers } from './delivery/timers.ts';
import type { AnswerDelivery, AnswerStream } from './delivery.ts';
import { sendFinalAnswer } from './final-answer.ts';
import { answeredAfterRestartNotice } from './journal-text.ts';
import { errorButtons } from './lifecycle-buttons.ts';
import { TurnProgress } from './progress.ts';

/** How often the status message's elapsed time moves on: a group may only get 20 messages a minute. */
const TICK_MS = { private: 5_000, group: 15_000 };

interface TurnState {
  typing?: { stop(): void };
  status?: ReturnType<AnswerDelivery['statusLine']>;
  progress?: TurnProgress;
  ticker?: unknown;
  /** The answer as it is being written, since the last tool call. */
  stream?: AnswerStream;
  streamed: string;
  texts: string[];
  failed: boolean;
  /** The session's output mode, read once per turn. */
  mode?: OutputMode;
}

/**
 * Turns a session's Claude events into what the chat sees: typing while Claude works, one status
 * message per turn (a line per tool and the time it runs, then a one-line summary), the answer
 * growing as it is written, then the answer itself, as the session's output mode wants it. Output
 * of a session that is not the chat's active one is labelled with its name. What Telegram does not
 * take after its retries is kept (see AnswerKeeper).
 */
export class SessionOutput {
  private readonly turns = new Map<string, TurnState>();
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
      now?: () => number;
      outputModeOf?: (session: string) => Promise<OutputMode>;
      keeper?: AnswerKeeper;
      timers?: DeliveryTimers;
      logger: Logger;
    },
  ) {
    this.timers = deps.timers ?? systemTimers;
  }

  /**
   * A message was queued for `session`: show typing until Claude has nothing left to answer.
   * Asked of the process rather than counted, so a turn that ended before this call (or a
   * message Claude Code gave up on) can never leave typing on.
   */
  queued(chatId: number, session: string): void {
    const turn = this.turnOf(chatId, session);
    if (this.deps.isBusy(session, chatId)) turn.typing ??= this.deps.delivery.startTyping(chatId);
  }

  handle(chatId: number, session: string, event: ClaudeEvent): void {
    this.inOrder(session, () => this.present(chatId, session, event));
  }

  /** A tool that needs approval was refused: the owner sees what, and why. */
  toolRefused(
    chatId: number,
    session: string,
    tool: { name: string; input: Record<string, unknown> },
    permissionMode?: string,
  ): void {
    this.inOrder(session, () => this.sendLabelled(chatId, session, toolRefusedNotice(tool, permissionMode)));
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
    this.inOrder(session, () => this.sendLabelled(chatId, session, notice));
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

  /** Never waits: the stream paces itself and sends only the newest text. */
  private streamed(chatId: number, turn: TurnState, text: string): void {
    turn.streamed += text;
    turn.stream ??= this.deps.delivery.answerStream(chatId);
    turn.stream.update(turn.streamed);
  }

  private async present(chatId: number, session: string, event: ClaudeEvent): Promise<void> {
    const turn = this.turnOf(chatId, session);
    switch (event.type) {
      case 'started':
        return;
      case 'text_delta':
        this.streamed(chatId, turn, event.text);
        return;
      case 'text':
        turn.texts.push(event.text);
        return;
      case 'tool':
        if (event.phase === 'started') {
          // Text written before a tool call is not the answer: the next text starts afresh.
          turn.streamed = '';
          this.progress(chatId, session, turn, (progress) => progress.toolStarted(event.name, event.input));
        } else if ((await this.modeOf(session, turn)) === 'verbose') {
          await this.sendKept(chatId, session, () =>
            this.deps.delivery.sendHtml(chatId, verboseToolMessage(event)),
          );
        }
        return;
      case 'retrying':
        this.progress(chatId, session, turn, (progress) => progress.note(retryingLine(event)));
        return;
      case 'error':
        turn.failed = true;
        // A process that died or gave up ends no turn with a result: its status and typing end here.
        if (!this.deps.isBusy(session, chatId)) await this.endTurn(turn);
        await this.sendLabelled(chatId, session, errorNotice(event, session), errorButtons(event, session));
        return;
      case 'usage_limit': {
        // Not a failure to report as one, and nothing to answer until the reset: typing stops.
        turn.failed = true;
        await this.endTurn(turn);
        const notice = usageLimitNotice(event, (this.deps.now ?? Date.now)());
        const buttons = event.held > 0 ? this.deps.controlButtons?.cancelHeld(session) : undefined;
        await this.sendLabelled(chatId, session, notice, buttons);
        return;
      }
      case 'usage_limit_lifted':
        if (this.deps.isBusy(session, chatId)) turn.typing ??= this.deps.delivery.startTyping(chatId);
        await this.sendLabelled(chatId, session, usageLimitLiftedNotice(event.sending));
        return;
      case 'completed': {
        const answer = event.answer.trim() || turn.texts.join('\n\n').trim();
        const failed = turn.failed && event.isError;
        turn.texts = [];
        turn.failed = false;
        const mode = await this.modeOf(session, turn);
        const stream = turn.stream;
        await this.endTurn(turn, this.deps.isBusy(session, chatId));
        // A stopped turn with nothing written says nothing: `/stop` has answered.
        if (failed || (event.interrupted && !answer)) return;
        const label = (await this.deps.activeSessionOf(chatId)) === session ? undefined : session;
        if (answer) this.deps.keeper?.remember(session, answer);
        await this.sendKept(
          chatId,
          session,
          () => sendFinalAnswer(this.deps.delivery, chatId, answer || NO_TEXT_ANSWER, { mode, label }),
          'answer',
        );
        await stream?.discard();
        return;
      }
    }
  }

  /**
   * The turn is over: the stream stops, the status message collapses into its summary, and, when
   * Claude has nothing left to answer for the chat (`stillBusy` false), typing stops.
   */
  private async endTurn(turn: TurnState, stillBusy = false): Promise<void> {
    const { stream, status, progress, ticker } = turn;
    turn.stream = undefined;
    turn.streamed = '';
    turn.mode = undefined;
    turn.status = undefined;
    turn.progress = undefined;
    turn.ticker = undefined;
    if (ticker !== undefined) this.timers.clearInterval(ticker);
    await stream?.stop();
    if (!stillBusy) {
      turn.typing?.stop();
      turn.typing = undefined;
    }
    if (status && progress) await status.done(progress.summary(this.timers.now()));
    else await status?.done();
  }

  private progress(
    chatId: number,
    session: string,
    turn: TurnState,
    change: (progress: TurnProgress) => void,
  ): void {
    turn.progress ??= new TurnProgress(this.timers.now());
    change(turn.progress);
    const progress = turn.progress;
    if (!turn.status) {
      const stop = this.deps.controlButtons?.stop(session);
      const status = this.deps.delivery.statusLine(chatId, stop ? { replyMarkup: stop } : undefined);
      turn.status = status;
      turn.ticker = this.timers.setInterval(
        () => status.update(progress.text(this.timers.now())),
        chatId > 0 ? TICK_MS.private : TICK_MS.group,
      );
    }
    turn.status.update(progress.text(this.timers.now()));
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
  ): Promise<void> {
    const active = (await this.deps.activeSessionOf(chatId)) === session;
    const labelled = active ? text : `[${session}] ${text}`;
    await this.sendKept(
      chatId,
      session,
      () => this.deps.delivery.sendText(chatId, labelled, replyMarkup ? { replyMarkup } : undefined),
      'notice',
      labelled,
    );
  }

  /** Runs a send; when Telegram could not be reached even after the retries, the keeper keeps it. */
  private async sendKept(
    chatId: number,
    session: string,
    send: () => Promise<unknown>,
    kind: 'answer' | 'notice' = 'notice',
    notice?: string,
  ): Promise<void> {
    try {
      await send();
    } catch (error) {
      const keeper = this.deps.keeper;
      if (!keeper) throw error;
      this.deps.logger.warn(
        { err: error, chatId, session, kind },
        'Telegram did not take Claude output; kept',
      );
      if (kind === 'answer') keeper.answerNotDelivered(chatId, session);
      else if (notice !== undefined) keeper.noticeNotDelivered(chatId, notice);
    }
  }

  /** A session used from two chats has a turn state in each: typing and status belong to a chat. */
  private turnOf(chatId: number, session: string): TurnState {
    const key = `${chatId} ${session}`;
    let turn = this.turns.get(key);
    if (!turn) {
      turn = { streamed: '', texts: [], failed: false };
      this.turns.set(key, turn);
    }
    return turn;
  }
}
