import type { InlineKeyboardMarkup } from 'grammy/types';
import type { ClaudeEvent } from '../claude/events.ts';
import type { Logger } from '../logging.ts';
import {
  errorNotice,
  NO_TEXT_ANSWER,
  retryingLine,
  shuttingDownNotice,
  toolRefusedNotice,
} from './copy/claude.ts';
import { usageLimitLiftedNotice, usageLimitNotice } from './copy/stop.ts';
import { toolProgressLine } from './copy/tools.ts';
import type { Delivery } from './delivery.ts';
import { answeredAfterRestartNotice } from './journal-text.ts';
import { errorButtons } from './lifecycle-buttons.ts';

/** How many recent progress lines the status message shows. */
const PROGRESS_LINES = 4;

interface TurnState {
  typing?: { stop(): void };
  status?: ReturnType<Delivery['statusLine']>;
  progress: string[];
  texts: string[];
  failed: boolean;
}

/**
 * Turns a session's Claude events into what the chat sees: typing while Claude works, one
 * status message with short progress lines, then the answer of each turn. Output of a session
 * that is not the chat's active one is labelled with its name.
 */
export class SessionOutput {
  private readonly turns = new Map<string, TurnState>();
  /** Each session's output goes out strictly in order, even when Telegram makes one send wait. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: {
      delivery: Delivery;
      activeSessionOf: (chatId: number) => Promise<string | undefined>;
      /** Whether the session's Claude is answering or has messages waiting from the chat. */
      isBusy: (session: string, chatId: number) => boolean;
      /** The buttons of a running turn's status message (Stop) and of a usage-limit notice (Cancel). */
      controlButtons?: {
        stop(session: string): InlineKeyboardMarkup;
        cancelHeld(session: string): InlineKeyboardMarkup;
      };
      now?: () => number;
      logger: Logger;
    },
  ) {}

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

  private async present(chatId: number, session: string, event: ClaudeEvent): Promise<void> {
    const turn = this.turnOf(chatId, session);
    switch (event.type) {
      case 'started':
        return;
      case 'text':
        turn.texts.push(event.text);
        return;
      case 'tool':
        if (event.phase === 'started')
          this.progress(chatId, session, turn, toolProgressLine(event.name, event.input));
        return;
      case 'retrying':
        this.progress(chatId, session, turn, retryingLine(event));
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
        if (this.deps.isBusy(session, chatId)) await this.endStatus(turn);
        else await this.endTurn(turn);
        // A stopped turn with nothing written says nothing: `/stop` has answered.
        if (failed || (event.interrupted && !answer)) return;
        const label = (await this.deps.activeSessionOf(chatId)) === session ? undefined : session;
        await this.deps.delivery.sendMarkdown(chatId, answer || NO_TEXT_ANSWER, label ? { label } : {});
        return;
      }
    }
  }

  /** Claude has nothing left to answer: typing stops and the status message goes. */
  private async endTurn(turn: TurnState): Promise<void> {
    turn.typing?.stop();
    turn.typing = undefined;
    await this.endStatus(turn);
  }

  private async endStatus(turn: TurnState): Promise<void> {
    const status = turn.status;
    turn.status = undefined;
    turn.progress = [];
    await status?.done();
  }

  private progress(chatId: number, session: string, turn: TurnState, line: string): void {
    turn.progress = [...turn.progress, line].slice(-PROGRESS_LINES);
    const stop = this.deps.controlButtons?.stop(session);
    turn.status ??= this.deps.delivery.statusLine(chatId, stop ? { replyMarkup: stop } : undefined);
    turn.status.update(turn.progress.join('\n'));
  }

  /** Plain text to the chat, labelled with the session's name unless it is the chat's active one. */
  private async sendLabelled(
    chatId: number,
    session: string,
    text: string,
    replyMarkup?: InlineKeyboardMarkup,
  ): Promise<void> {
    const active = (await this.deps.activeSessionOf(chatId)) === session;
    await this.deps.delivery.sendText(
      chatId,
      active ? text : `[${session}] ${text}`,
      replyMarkup ? { replyMarkup } : undefined,
    );
  }

  /** A session used from two chats has a turn state in each: typing and status belong to a chat. */
  private turnOf(chatId: number, session: string): TurnState {
    const key = `${chatId} ${session}`;
    let turn = this.turns.get(key);
    if (!turn) {
      turn = { progress: [], texts: [], failed: false };
      this.turns.set(key, turn);
    }
    return turn;
  }
}
