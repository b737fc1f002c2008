/** The sentences of `/stop`, the Stop button, and a usage limit holding a session's messages. */
import type { ClaudeEvent } from '../../claude/events.ts';

export const STOP_BUTTON = '⏹ Stop';
export const CANCEL_HELD_BUTTON = '✖️ Cancel';

const messages = (count: number): string => `${count} queued message(s)`;

/** `/stop` or the Stop button, once done (SPEC.md: exact). */
export function stoppedText(stopped: { interrupted: boolean; dropped: number }): string {
  if (!stopped.interrupted && stopped.dropped === 0) return 'Nothing to stop.';
  return stopped.dropped > 0 ? `Stopped. Dropped ${messages(stopped.dropped)}.` : 'Stopped.';
}

/** `1700000000000` → `2023-11-14 22:13 UTC`. */
function clockTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `in 2 h 5 min`, `in 3 min`, `in under a minute`. */
function waitText(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (minutes <= 0) return 'in under a minute';
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `in ${hours} h` : `in ${hours} h ${rest} min`;
}

type UsageLimit = Extract<ClaudeEvent, { type: 'usage_limit' }>;

/** The usage limit stopped a turn: when it resets, and what waits for it. */
export function usageLimitNotice(event: UsageLimit, now: number): string {
  const when = event.resetKnown
    ? `It resets at ${clockTime(event.resetsAt)} (${waitText(event.resetsAt - now)})`
    : `Claude Code did not say when it resets; trying again at ${clockTime(event.resetsAt)} (${waitText(event.resetsAt - now)})`;
  const held =
    event.held === 0
      ? 'Nothing is waiting.'
      : `${event.resending ? 'Your message and what waits behind it' : 'The messages waiting'} (${event.held}) will be sent then; Cancel drops them.`;
  const tools = event.resending
    ? ''
    : ' The message that hit the limit is not sent again, as Claude had used tools for it: check, then send what is left.';
  return `⏳ The account's usage limit is reached. ${when}. ${held}${tools}`;
}

/** The reset came: the held messages go now. */
export function usageLimitLiftedNotice(sending: number): string {
  return `▶️ The usage limit has reset: sending the ${sending} held message(s) now.`;
}

/** Cancel on a usage-limit notice. */
export function heldCancelledText(dropped: number | undefined): string {
  if (dropped === undefined) return 'Nothing is held any more.';
  return `Cancelled. Dropped ${dropped} held message(s).`;
}
