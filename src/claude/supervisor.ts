import type { ClaudeError, MessageOrigin, ProcessDeath } from './events.ts';
import type { QueuedMessage, TurnQueue } from './queue.ts';
import type { ClaudeProcessExit } from './spawn.ts';

/** The first restart waits this long, each further one twice as long. */
const RESTART_DELAY_MS = 250;

/** Restarts after deaths without a finished turn in between, before giving up until the next send. */
const MAX_RESTARTS = 2;

/** How a process ended, with the first line of the SDK's error when it has one. */
export function deathOf(exit: ClaudeProcessExit | undefined, failure: unknown): ProcessDeath {
  const cause = failure instanceof Error ? failure.message.split('\n')[0]?.trim() : undefined;
  return { exitCode: exit?.code ?? null, signal: exit?.signal ?? null, cause: cause || undefined };
}

/** What follows the death of a process. */
export interface AfterDeath {
  /** What to tell, each to the sender it concerns (undefined: no message of anyone). */
  notices: Array<{ error: ClaudeError; origin: MessageOrigin | undefined }>;
  /** Start a new process after `delayMs`, answering `resend` first; absent: wait for the next send. */
  restart?: { delayMs: number; resend: QueuedMessage | undefined };
}

/** How many of `messages` each sender sent, in order of first appearance. */
function countByOrigin(messages: QueuedMessage[]): Map<MessageOrigin | undefined, number> {
  const counts = new Map<MessageOrigin | undefined, number>();
  for (const { origin } of messages) counts.set(origin, (counts.get(origin) ?? 0) + 1);
  return counts;
}

/**
 * Crash supervision of one session's Claude Code processes: a process that dies is replaced by
 * one resuming the same conversation, after a delay that doubles with each death that had no
 * finished turn before it, and after `maxRestarts` of those it gives up until the next message.
 */
export class CrashSupervisor {
  private deathsWithoutProgress = 0;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(private readonly maxRestarts = MAX_RESTARTS) {}

  /** A turn finished: the process works, so the count of deaths starts over. */
  progressed(): void {
    this.deathsWithoutProgress = 0;
  }

  /** A process died while `queue` had a message in flight (taken out of flight here) or waiting. */
  afterDeath(death: ProcessDeath, queue: TurnQueue): AfterDeath {
    const lost = queue.takeInFlight();
    this.deathsWithoutProgress += 1;
    if (this.deathsWithoutProgress > this.maxRestarts) {
      // Giving up: what waits in the queue would otherwise sit there, typing shown, until the next send.
      const unanswered = countByOrigin([...(lost ? [lost] : []), ...queue.dropWaiting()]);
      this.deathsWithoutProgress = 0;
      const notice = (origin: MessageOrigin | undefined, count: number) => ({
        error: { kind: 'process_gave_up', death, unanswered: count } as const,
        origin,
      });
      // Each chat hears of its own messages; with none waiting, the chat that used the session last.
      if (unanswered.size === 0) return { notices: [notice(undefined, 0)] };
      return { notices: [...unanswered].map(([origin, count]) => notice(origin, count)) };
    }
    const delayMs = RESTART_DELAY_MS * 2 ** (this.deathsWithoutProgress - 1);
    // Sending it again could run its tools twice (an upgrade, a deletion, a deploy): the owner decides.
    if (lost?.toolsAsked) {
      return {
        notices: [{ error: { kind: 'process_restarting_after_tools', death }, origin: lost.origin }],
        restart: { delayMs, resend: undefined },
      };
    }
    // Nobody is waiting for an answer: restart quietly; the owner hears of it if it keeps failing.
    return {
      notices: lost ? [{ error: { kind: 'process_restarting', death }, origin: lost.origin }] : [],
      restart: { delayMs, resend: lost },
    };
  }

  /**
   * Runs `start` after `delayMs`, so a failure that lasts a moment (memory, a busy disk) is not
   * met with restarts in a tight loop.
   */
  schedule(start: () => void, delayMs: number): void {
    this.cancel();
    if (delayMs <= 0) {
      start();
      return;
    }
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      start();
    }, delayMs);
  }

  cancel(): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }
}
