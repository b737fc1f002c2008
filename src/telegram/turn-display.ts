import type { InlineKeyboardMarkup } from 'grammy/types';
import type { OutputMode } from '../sessions/session-store.ts';
import type { DeliveryTimers } from './delivery/timers.ts';
import type { AnswerDelivery, AnswerStream } from './delivery.ts';
import { TurnProgress } from './progress.ts';

/** How often the status message's elapsed time moves on: a group may only get 20 messages a minute. */
const TICK_MS = { private: 5_000, group: 15_000 };

/** What one chat sees of one session's turn while it runs, and what the turn has said so far. */
export interface TurnState {
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

export interface TurnDisplayDeps {
  delivery: AnswerDelivery;
  timers: DeliveryTimers;
  /** The Stop button of a running turn's status message. */
  stopButton: (session: string) => InlineKeyboardMarkup | undefined;
}

/**
 * The live side of a turn in a chat: typing while Claude works, the status message (a line per
 * tool and the time it runs, then a one-line summary) and the answer growing as it is written.
 * A session used from two chats has a turn state in each: typing and status belong to a chat.
 */
export class TurnDisplay {
  private readonly turns = new Map<string, TurnState>();

  constructor(private readonly deps: TurnDisplayDeps) {}

  of(chatId: number, session: string): TurnState {
    const key = `${chatId} ${session}`;
    let turn = this.turns.get(key);
    if (!turn) {
      turn = { streamed: '', texts: [], failed: false };
      this.turns.set(key, turn);
    }
    return turn;
  }

  /** Typing goes on, unless it is on already. */
  typing(chatId: number, turn: TurnState): void {
    turn.typing ??= this.deps.delivery.startTyping(chatId);
  }

  /** Never waits: the stream paces itself and sends only the newest text. */
  streamed(chatId: number, turn: TurnState, text: string): void {
    turn.streamed += text;
    turn.stream ??= this.deps.delivery.answerStream(chatId);
    turn.stream.update(turn.streamed);
  }

  /** The status message shows the change; the first change of a turn sends it, ticking. */
  progress(chatId: number, session: string, turn: TurnState, change: (progress: TurnProgress) => void): void {
    const { timers } = this.deps;
    turn.progress ??= new TurnProgress(timers.now());
    change(turn.progress);
    const progress = turn.progress;
    if (!turn.status) {
      const stop = this.deps.stopButton(session);
      const status = this.deps.delivery.statusLine(chatId, stop ? { replyMarkup: stop } : undefined);
      turn.status = status;
      turn.ticker = timers.setInterval(
        () => status.update(progress.text(timers.now())),
        chatId > 0 ? TICK_MS.private : TICK_MS.group,
      );
    }
    turn.status.update(progress.text(timers.now()));
  }

  /**
   * The turn is over: the stream stops, the status message collapses into its summary, and, when
   * Claude has nothing left to answer for the chat (`stillBusy` false), typing stops.
   */
  async end(turn: TurnState, stillBusy = false): Promise<void> {
    const { stream, status, progress, ticker } = turn;
    turn.stream = undefined;
    turn.streamed = '';
    turn.mode = undefined;
    turn.status = undefined;
    turn.progress = undefined;
    turn.ticker = undefined;
    if (ticker !== undefined) this.deps.timers.clearInterval(ticker);
    await stream?.stop();
    if (!stillBusy) {
      turn.typing?.stop();
      turn.typing = undefined;
    }
    if (status && progress) await status.done(progress.summary(this.deps.timers.now()));
    else await status?.done();
  }
}
