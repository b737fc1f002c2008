import type { ClaudeEvent } from './events.ts';
import { TurnCostMeter } from './turn-cost.ts';

type Completed = Extract<ClaudeEvent, { type: 'completed' }>;

/**
 * The Claude conversation a session continues, across the processes that serve it: its id, as
 * Claude Code reports it (what a new process resumes), and what each of its turns cost.
 */
export class Conversation {
  /** The Claude session id, once known: persisted as `claude_session_id`. */
  id: string | undefined;
  private readonly costs: TurnCostMeter;

  /** `resume`: the conversation to continue; `costBaselineUsd`: where its cumulative cost stood. */
  constructor(resume: string | undefined, costBaselineUsd: number | undefined) {
    this.id = resume;
    this.costs = new TurnCostMeter(resume ? costBaselineUsd : 0);
  }

  /** A process is about to start: without an id it starts a new conversation, costing nothing yet. */
  launching(): void {
    if (this.id === undefined) this.costs.freshConversation();
  }

  /** A process announced its session id; false when it is the one already known (nothing new). */
  started(sessionId: string): boolean {
    if (sessionId === this.id) return false;
    this.id = sessionId;
    return true;
  }

  /** The turn's result, with what the turn itself cost and whether the owner interrupted it. */
  completed(event: Completed, interrupted: boolean): Completed {
    // A turn that failed before the model was asked anything proves nothing: not that the
    // process works, nor that its session id (never announced by `started`) has a transcript.
    if (!event.isError || event.numTurns > 0) this.id = event.sessionId;
    return {
      ...event,
      turnCostUsd: this.costs.turnCost(event.totalCostUsd),
      ...(interrupted ? { interrupted } : {}),
    };
  }

  /** The owner chose a fresh conversation: the next process starts one. */
  forget(): void {
    this.id = undefined;
  }
}
