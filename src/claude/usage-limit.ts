import { type SDKMessage, USAGE_LIMIT_ERROR_PREFIXES } from '@anthropic-ai/claude-agent-sdk';
import type { ClaudeEvent } from './events.ts';
import type { TurnQueue } from './queue.ts';

/** The account's usage limit stopped a turn; `resetsAt` (epoch ms) when Claude Code said when it lifts. */
export interface UsageLimitHit {
  resetsAt: number | undefined;
}

/** Whether Claude Code's text for a failed turn is one of its "usage limit reached" texts. */
export function isUsageLimitText(text: string): boolean {
  const trimmed = text.trimStart();
  return USAGE_LIMIT_ERROR_PREFIXES.some((prefix) => trimmed.startsWith(prefix));
}

function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .map((block: unknown) =>
      typeof block === 'object' && block !== null && 'text' in block && typeof block.text === 'string'
        ? block.text
        : '',
    )
    .join('\n');
}

/**
 * The usage limit a message of Claude Code reports, if any. Claude Code 2.1.330, signed in to a
 * subscription, answers a 429 whose `anthropic-ratelimit-unified-status` is `rejected` with a
 * `rate_limit_event` (status `rejected`, `resetsAt` in epoch seconds), then an assistant message
 * with `error: 'rate_limit'` and a text such as `You've hit your 5-hour limit · resets 4:02pm (UTC)`,
 * then an error result with that text. Either of the last two without the event still counts.
 */
export function usageLimitOf(message: SDKMessage): UsageLimitHit | undefined {
  if (message.type === 'rate_limit_event') {
    const info = message.rate_limit_info;
    if (info.status !== 'rejected') return undefined;
    return { resetsAt: typeof info.resetsAt === 'number' ? info.resetsAt * 1000 : undefined };
  }
  if (message.type === 'assistant' && message.error && message.parent_tool_use_id === null) {
    return isUsageLimitText(textOf(message.message.content)) ? { resetsAt: undefined } : undefined;
  }
  if (message.type === 'result' && message.subtype === 'success' && message.is_error) {
    return isUsageLimitText(message.result) ? { resetsAt: undefined } : undefined;
  }
  return undefined;
}

/** Timers the hold runs on; tests pass a manual clock. */
export interface HoldTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemHoldTimers: HoldTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** When no reset time was given, the queue is tried again after this long. */
export const UNKNOWN_RESET_RETRY_MS = 15 * 60_000;
/** setTimeout's longest delay; a later reset is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A session's queue held until a usage limit lifts: while `active`, no message goes to Claude;
 * at `until` (or when released) `onLifted` runs once.
 */
export class UsageHold {
  private timer: unknown;
  private heldUntil: number | undefined;

  constructor(
    private readonly timers: HoldTimers,
    private readonly onLifted: () => void,
  ) {}

  get active(): boolean {
    return this.heldUntil !== undefined;
  }

  /** When the hold lifts (epoch ms), while it is active. */
  get until(): number | undefined {
    return this.heldUntil;
  }

  /** Holds until `resetsAt`, or for UNKNOWN_RESET_RETRY_MS when it is unknown or already past. */
  start(resetsAt: number | undefined): number {
    this.clearTimer();
    const now = this.timers.now();
    const until = resetsAt !== undefined && resetsAt > now ? resetsAt : now + UNKNOWN_RESET_RETRY_MS;
    this.heldUntil = until;
    this.arm();
    return until;
  }

  /** Ends the hold without `onLifted` (the owner cancelled, or the session closes). */
  cancel(): void {
    this.clearTimer();
    this.heldUntil = undefined;
  }

  private arm(): void {
    const until = this.heldUntil;
    if (until === undefined) return;
    const wait = until - this.timers.now();
    if (wait <= 0) {
      this.heldUntil = undefined;
      this.onLifted();
      return;
    }
    this.timer = this.timers.setTimeout(
      () => {
        this.timer = undefined;
        this.arm();
      },
      Math.min(wait, MAX_TIMER_MS),
    );
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * The turn in flight hit the usage limit: its message goes back first in the queue (unless Claude
 * used tools for it: part of it may be done), and the queue is held until the reset.
 */
export function holdQueue(
  queue: TurnQueue,
  hold: UsageHold,
  resetsAt: number | undefined,
): Extract<ClaudeEvent, { type: 'usage_limit' }> {
  const lost = queue.takeInFlight();
  const resending = lost !== undefined && !lost.toolsAsked;
  if (resending) queue.putFirst(lost);
  const until = hold.start(resetsAt);
  return {
    type: 'usage_limit',
    resetsAt: until,
    resetKnown: resetsAt !== undefined,
    held: queue.length,
    resending,
  };
}
