import type { Context } from 'grammy';
import type { ClaudeEvent } from '../claude/events.ts';
import type { Logger } from '../logging.ts';
import type { InboundJournal } from '../state/journal.ts';

/** A message handed to a Claude session: the updates it came from (several when batched). */
interface HandedMessage {
  chatId: number;
  updateIds: readonly number[];
  toolsMarked: boolean;
}

/** The update ids (`refs`) a session's Claude queue holds: the message being answered's, and all. */
export interface QueuedRefs {
  turn: readonly number[];
  queued: readonly number[];
}

export interface JournalTurnsDeps {
  journal: InboundJournal;
  /** Takes over marking the update done from the journal middleware (TelegramJournal.deferDone). */
  deferDone: (ctx: Context) => number;
  /** The refs the session's Claude queue holds now (empty when it has no process). */
  queuedRefs: (session: string) => QueuedRefs;
  /** Runs `task` once everything already queued for the session's chat output has been sent. */
  afterOutput: (session: string, task: () => Promise<void>) => void;
  logger: Logger;
}

/**
 * Events after which a message missing from the queue is finished for good. Not a death with a
 * message in flight: it is taken out, told, and put back for the next process only afterwards.
 */
function settlesQueue(event: ClaudeEvent): boolean {
  if (event.type === 'completed' || event.type === 'usage_limit') return true;
  return (
    event.type === 'error' &&
    (event.kind === 'process_restarting_after_tools' || event.kind === 'process_gave_up')
  );
}

/**
 * Follows each message handed to a Claude session through its turn, for the inbound journal: the
 * turn began (the session is recorded), Claude asked for a tool (after a crash the message is not
 * run again without the owner), and the message is finished once it has left the session's queue
 * (answered, interrupted, dropped by /stop or after a death, each with its reply) and what its turn
 * said has been sent to the chat.
 *
 * Each message carries its update ids into the Claude queue (`refs`, opaque there), so which
 * messages are still queued is known exactly, whatever order turns end in (`!` puts a message
 * first, /stop drops the waiting ones, batching joins several updates, coalescing joins messages).
 */
export class JournalTurns {
  /** Per session, the messages handed over and not finished yet, in the order they were handed. */
  private readonly handedOver = new Map<string, HandedMessage[]>();

  constructor(private readonly deps: JournalTurnsDeps) {}

  /**
   * The message from these updates was just queued for `session` with them as its `refs`. Also
   * settles: messages dropped meanwhile without an event (a held queue dropped) are finished.
   */
  handed(session: string, chatId: number, updateIds: readonly number[]): void {
    if (updateIds.length === 0) return;
    const messages = this.handedOver.get(session) ?? [];
    messages.push({ chatId, updateIds, toolsMarked: false });
    this.handedOver.set(session, messages);
    for (const id of updateIds) void this.deps.journal.markTurnStarted(id, session);
    this.settle(session);
  }

  /**
   * The update a handler is about to accept (into a batch): it is no longer finished when the
   * handler returns, but by `handed` and its turn, or by `notQueued`.
   */
  takeOver(ctx: Context): number {
    return this.deps.deferDone(ctx);
  }

  /** For `manager.send`/`sendNext`: the update goes into the Claude queue as its refs, and is handed over once queued. */
  sendOptions(ctx: Context): { refs: number[]; onQueued: (session: string) => void } {
    const updateId = ctx.update.update_id;
    return {
      refs: [updateId],
      onQueued: (session) => {
        const chatId = ctx.chat?.id;
        if (chatId !== undefined) this.handed(session, chatId, [this.deps.deferDone(ctx)]);
      },
    };
  }

  /** Updates taken over that never reached Claude: the chat was told why (or the failure logged). */
  notQueued(updateIds: readonly number[]): Promise<void> {
    return Promise.all(updateIds.map((id) => this.deps.journal.markDone(id))).then(() => undefined);
  }

  /** One of the session's Claude events, after the chat output was given it. */
  event(session: string, event: ClaudeEvent): void {
    if (event.type === 'tool' && event.phase === 'started') this.toolAsked(session);
    if (settlesQueue(event)) this.settle(session);
  }

  /**
   * Messages left the session's queue with a reply of their own (the /stop reply counts what it
   * dropped): they are finished now. Call it once that reply was sent.
   */
  settle(session: string): void {
    const messages = this.handedOver.get(session);
    if (!messages) return;
    const queued = new Set(this.deps.queuedRefs(session).queued);
    const finished = messages.filter((message) => !message.updateIds.some((id) => queued.has(id)));
    if (finished.length === 0) return;
    const left = messages.filter((message) => !finished.includes(message));
    if (left.length === 0) this.handedOver.delete(session);
    else this.handedOver.set(session, left);
    const { journal } = this.deps;
    this.deps.afterOutput(session, async () => {
      await Promise.all(finished.flatMap((message) => message.updateIds.map((id) => journal.markDone(id))));
    });
  }

  /** Messages of `chatId` handed to `session` and not finished yet. */
  unfinished(session: string, chatId: number): number {
    return (this.handedOver.get(session) ?? []).filter((message) => message.chatId === chatId).length;
  }

  /** Every message joined into the turn (coalesced text) may have had its tools run. */
  private toolAsked(session: string): void {
    const turn = new Set(this.deps.queuedRefs(session).turn);
    for (const message of this.handedOver.get(session) ?? []) {
      if (message.toolsMarked || !message.updateIds.some((id) => turn.has(id))) continue;
      message.toolsMarked = true;
      for (const id of message.updateIds) void this.deps.journal.markToolsUsed(id);
    }
  }
}
