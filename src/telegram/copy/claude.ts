/**
 * Every sentence the owner reads about Claude Code itself: its failures, its retries, its crashes,
 * the tools it was refused, and the answers a shutdown leaves behind. Built from the typed events
 * of `src/claude/`, which never word anything themselves.
 */
import type { ClaudeError, ClaudeEvent, ProcessDeath } from '../../claude/events.ts';

type Retrying = Extract<ClaudeEvent, { type: 'retrying' }>;

/** The SDK's cause can be a whole stack: one line of it, cut to fit a phone screen. */
const MAX_CAUSE = 160;

/** How a process ended, with the SDK's reason when it has one: `signal SIGKILL`, `exit code 1: …`. */
export function describeDeath(death: ProcessDeath): string {
  const how = death.signal
    ? `signal ${death.signal}`
    : death.exitCode !== null
      ? `exit code ${death.exitCode}`
      : 'it could not be started';
  const why = death.cause?.trim();
  if (!why) return how;
  return `${how}: ${why.length > MAX_CAUSE ? `${why.slice(0, MAX_CAUSE - 1)}…` : why}`;
}

function unansweredText(count: number): string {
  if (count === 0) return '';
  return count === 1 ? 'Your last message was not answered. ' : `${count} messages were not answered. `;
}

/** What to do about a failure, in the owner's terms. */
function errorText(error: ClaudeError, session: string): string {
  switch (error.kind) {
    case 'authentication_failed':
      return 'Claude Code is not logged in on the host. Run `claude` there and sign in with /login, or set ANTHROPIC_API_KEY for the bot.';
    case 'rate_limited':
      return 'The model API is rate-limiting requests (429). Try again in a minute.';
    case 'overloaded':
      return 'The model API is overloaded (529). Try again in a little while.';
    case 'server_error':
      return 'The model API had a server error. Try again in a little while.';
    case 'api_error':
      return error.detail ?? `Claude Code reported an error: ${error.error}`;
    case 'max_turns':
      return `Stopped after ${error.numTurns} turns (the session's limit).`;
    case 'budget_exceeded':
      return 'Stopped: the spending limit for this session was reached.';
    case 'turn_failed':
      return error.detail ?? 'The turn ended with an error.';
    case 'execution_failed':
      return error.errors.length > 0
        ? `Claude Code failed: ${error.errors.join('; ')}`
        : 'Claude Code stopped with an error.';
    case 'process_restarting':
      return `Claude Code stopped unexpectedly (${describeDeath(error.death)}). Restarting it with the conversation so far; your message will be answered.`;
    case 'process_restarting_after_tools':
      return `Claude Code stopped unexpectedly (${describeDeath(error.death)}) while using tools for your message. It is restarting with the conversation so far, but your message is not sent again, as part of it may be done already: check, then send what is left.`;
    case 'process_restarted':
      return `Claude Code stopped unexpectedly (${describeDeath(error.death)}). Restarting it with the conversation so far.`;
    case 'process_gave_up':
      return `Claude Code stopped ${error.crashes} times in ${Math.round(error.windowMs / 60_000)} min (last: ${describeDeath(error.death)}). ${unansweredText(error.unanswered)}Session '${session}' is marked failed; use /session ${session} to start it again.`;
    case 'conversation_not_found':
      return `The earlier conversation of this session cannot be resumed: Claude Code has no transcript of session ${error.missingSessionId}. ${heldText(error.held)}Press Start fresh to begin a new conversation${error.held > 0 ? ' and have it answered' : ''}.`;
  }
}

function heldText(count: number): string {
  if (count === 0) return '';
  return count === 1
    ? 'Your message waits; nothing was sent to Claude. '
    : `${count} messages wait; nothing was sent to Claude. `;
}

/** The chat message for a failure: `⚠️ The model API is overloaded (529). …`. */
export function errorNotice(error: ClaudeError, session = '<name>'): string {
  return `⚠️ ${errorText(error, session)}`;
}

function describeStatus(status: number | null, error: string): string {
  if (status === null) return `connection error (${error})`;
  const names: Record<number, string> = { 401: 'unauthorized', 429: 'rate limited', 529: 'overloaded' };
  return `HTTP ${status} (${names[status] ?? error})`;
}

/** A progress line: `Claude's API failed (HTTP 529 (overloaded)); retrying in 1 s (1/10)…`. */
export function retryingLine(retry: Omit<Retrying, 'type'>): string {
  const seconds = Math.ceil(retry.delayMs / 1000);
  return `Claude's API failed (${describeStatus(retry.status, retry.error)}); retrying in ${seconds} s (${retry.attempt}/${retry.maxRetries})…`;
}

/** The bot stops with `unanswered` messages of a session still waiting: Telegram will not resend them. */
export function shuttingDownNotice(unanswered: number): string {
  const which = unanswered === 1 ? 'your last message was' : `your last ${unanswered} messages were`;
  return `⚠️ The bot is shutting down: ${which} not answered. Send again once it is back.`;
}

/** Markdown for a turn that ended without any text. */
export const NO_TEXT_ANSWER = '_(Claude finished without a text answer.)_';
