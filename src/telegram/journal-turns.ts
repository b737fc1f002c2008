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

export interface JournalTurnsDeps {
  journal: InboundJournal;
  /** Takes over marking the update done from the journal middleware (TelegramJournal.deferDone). */
  deferDone: (ctx: Context) => number;
  /** How many messages the session's Claude is answering or has waiting (its whole queue). */
  pendingCount: (session: string) => number;
  /** Runs `task` once everything already queued for the session's chat output has been sent. */
  afterOutput: (session: string, task: () => Promise<void>) => void;
  logger: Logger;
}

/** Events after which the session's queue holds exactly the messages still to be answered. */
function settlesQueue(event: ClaudeEvent): boolean {
  if (event.type === 'completed') return true;
  // A message lost with a death is put back for the next process only after its notice: not these.
  return (
    event.type === 'error' &&
    (event.kind === 'process_restarting_after_tools' || event.kind === 'process_gave_up')
  );
}

/**
 * Follows each message handed to a Claude session through its turn, for the inbound journal: the
 * turn began (the session is recorded), Claude asked for a tool (after a crash the message is not
 * run again without the owner), and the message is finished once what its turn said (answer or
 * notice) has been sent to the chat.
 *
 * How a turn's events find their message without the claude side knowing of updates: a session's
 * messages reach Claude in the order they were queued, and leave its queue only from the front
 * (answered, or dropped after a death) or all at once (stopped, closed). So the messages still
 * queued are always the last `pendingCount` handed over, the first of them is the one Claude is
 * answering, and every message before them is finished. Every path that queues a message for
 * Claude must call `handed` at that moment (synchronously), or the counts no longer line up.
 */
export class JournalTurns {
  /** Per session, in the order the messages were queued; finished ones are dropped from the front. */
  private readonly handedOver = new Map<string, HandedMessage[]>();

  constructor(private readonly deps: JournalTurnsDeps) {}

  /** The message from these updates was just queued for `session` (call it synchronously). */
  handed(session: string, chatId: number, updateIds: readonly number[]): void {
    const messages = this.handedOver.get(session) ?? [];
    messages.push({ chatId, updateIds, toolsMarked: false });
    this.handedOver.set(session, messages);
    for (const id of updateIds) void this.deps.journal.markTurnStarted(id, session);
    // Messages dropped meanwhile without an event (the session was stopped) are finished too.
    this.settle(session);
  }

  /** The text of this update was just queued for `session` (call it synchronously, in its handler). */
  handedUpdate(ctx: Context, session: string): void {
    const chatId = ctx.chat?.id;
    if (chatId === undefined) return;
    this.handed(session, chatId, [this.deps.deferDone(ctx)]);
  }

  /** One of the session's Claude events, after the chat output was given it. */
  event(session: string, event: ClaudeEvent): void {
    if (event.type === 'tool' && event.phase === 'started') this.toolAsked(session);
    if (settlesQueue(event)) this.settle(session);
  }

  /** Messages of `chatId` handed to `session` and not finished yet. */
  unfinished(session: string, chatId: number): number {
    return (this.handedOver.get(session) ?? []).filter((message) => message.chatId === chatId).length;
  }

  private toolAsked(session: string): void {
    const messages = this.handedOver.get(session) ?? [];
    const answering = messages[messages.length - this.deps.pendingCount(session)];
    if (!answering || answering.toolsMarked) return;
    answering.toolsMarked = true;
    for (const id of answering.updateIds) void this.deps.journal.markToolsUsed(id);
  }

  /** Everything before the session's queued messages is finished once its output has gone out. */
  private settle(session: string): void {
    const messages = this.handedOver.get(session);
    if (!messages) return;
    const pending = this.deps.pendingCount(session);
    if (pending > messages.length)
      this.deps.logger.warn(
        { session, pending, tracked: messages.length },
        'inbound journal: a message reached Claude without being handed over',
      );
    const finished = messages.splice(0, Math.max(0, messages.length - pending));
    if (messages.length === 0) this.handedOver.delete(session);
    if (finished.length === 0) return;
    const { journal } = this.deps;
    this.deps.afterOutput(session, async () => {
      await Promise.all(finished.flatMap((message) => message.updateIds.map((id) => journal.markDone(id))));
    });
  }
}
