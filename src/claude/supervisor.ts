import type { ClaudeError, MessageOrigin, ProcessDeath } from './events.ts';
import type { QueuedMessage, TurnQueue } from './queue.ts';
import type { ClaudeProcessExit } from './spawn.ts';

/** The first restart waits this long, each further one in the window twice as long. */
const RESTART_DELAY_MS = 250;

/** Restarts allowed within CRASH_WINDOW_MS; the next death gives up. */
export const MAX_RESTARTS = 3;
export const CRASH_WINDOW_MS = 10 * 60_000;

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

export interface CrashPolicy {
  /** Restarts allowed within `windowMs`; default MAX_RESTARTS. */
  maxRestarts?: number;
  /** Default CRASH_WINDOW_MS. */
  windowMs?: number;
  /** The clock deaths are timed by (ms); default Date.now. */
  now?: () => number;
}

/**
 * Crash supervision of one session's Claude Code processes: a process that dies is replaced by
 * one resuming the same conversation, the sender told each time, after a delay that doubles
 * with each death in the window; a death past `maxRestarts` within `windowMs` gives up (each
 * chat told how many of its messages went unanswered), and the count starts over.
 */
export class CrashSupervisor {
  private deaths: number[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly maxRestarts: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(policy: CrashPolicy = {}) {
    this.maxRestarts = policy.maxRestarts ?? MAX_RESTARTS;
    this.windowMs = policy.windowMs ?? CRASH_WINDOW_MS;
    this.now = policy.now ?? Date.now;
  }

  /** A process died while `queue` had a message in flight (taken out of flight here) or waiting. */
  afterDeath(death: ProcessDeath, queue: TurnQueue): AfterDeath {
    const lost = queue.takeInFlight();
    const now = this.now();
    this.deaths = [...this.deaths.filter((at) => now - at < this.windowMs), now];
    const crashes = this.deaths.length;
    if (crashes > this.maxRestarts) {
      // Giving up: what waits in the queue would otherwise sit there, typing shown, for nothing.
      const unanswered = countByOrigin([...(lost ? [lost] : []), ...queue.dropWaiting()]);
      this.deaths = [];
      const notice = (origin: MessageOrigin | undefined, count: number) => ({
        error: {
          kind: 'process_gave_up',
          death,
          unanswered: count,
          crashes,
          windowMs: this.windowMs,
        } as const,
        origin,
      });
      // Each chat hears of its own messages; with none waiting, the chat that used the session last.
      if (unanswered.size === 0) return { notices: [notice(undefined, 0)] };
      return { notices: [...unanswered].map(([origin, count]) => notice(origin, count)) };
    }
    const delayMs = RESTART_DELAY_MS * 2 ** (crashes - 1);
    // Sending it again could run its tools twice (an upgrade, a deletion, a deploy): the owner decides.
    if (lost?.toolsAsked) {
      return {
        notices: [{ error: { kind: 'process_restarting_after_tools', death }, origin: lost.origin }],
        restart: { delayMs, resend: undefined },
      };
    }
    const error: ClaudeError = lost
      ? { kind: 'process_restarting', death }
      : { kind: 'process_restarted', death };
    return { notices: [{ error, origin: lost?.origin }], restart: { delayMs, resend: lost } };
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
