/**
 * Every sentence about a session's life: resuming after idleness, failing, starting fresh, the
 * idle timeout (`/timeout`), the `/sessions` overview, and turns a restart of the bot cut off.
 * The SPEC.md texts (`Resuming session '<name>'`, `Idle timeout for '<name>': <n> min.`) are exact.
 */
import type { IdleTimeoutOutcome, StartFreshOutcome } from '../../sessions/outcomes.ts';
import type { SessionState, SessionSummary, SessionsOverview } from '../../sessions/overview.ts';

export const MAX_TIMEOUT_MINUTES = 1440;
export const TIMEOUT_USAGE = `Usage: /timeout [minutes], 0–${MAX_TIMEOUT_MINUTES} (0 = never). Without a number it shows the current one.`;

/** `45 s`, `15 min`, `2 h`, `3 days`: a span of time, rounded down to its largest unit. */
export function spanInWords(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}

/** `just now`, `3 min ago`, `2 h ago`. */
export function agoInWords(ms: number): string {
  return ms < 60_000 ? 'just now' : `${spanInWords(ms)} ago`;
}

/** Said before the first answer of a session that had no process. */
export function resumingText(name: string, idleMs: number): string {
  return `Resuming session '${name}' (idle for ${spanInWords(idleMs)})…`;
}

/** A message to a session whose Claude Code kept crashing. */
export function sessionFailedText(name: string): string {
  return `Session '${name}' failed: its Claude Code kept crashing, so it was stopped. Use /session ${name} to start it again; your message was not sent.`;
}

export function startFreshText(outcome: StartFreshOutcome): string {
  if (outcome.ok) return `Starting a fresh conversation in session '${outcome.name}'.`;
  return `Session '${outcome.name}' is not waiting for that choice any more.`;
}

export function idleTimeoutText(outcome: Extract<IdleTimeoutOutcome, { ok: true }>): string {
  const { name, timeoutMs } = outcome;
  if (timeoutMs === 0) return `Idle timeout for '${name}': never.`;
  const amount = timeoutMs % 60_000 === 0 ? `${timeoutMs / 60_000} min` : `${timeoutMs / 1000} s`;
  return `Idle timeout for '${name}': ${amount}.${outcome.own ? '' : ' (the default)'}`;
}

/** After a restart: the turns the shutdown cut off, per chat. */
export function cutOffText(session: string, unanswered: number): string {
  const which = unanswered === 1 ? 'your last message' : `your last ${unanswered} messages`;
  return `⚠️ The bot restarted while session '${session}' was working on ${which}: that was cut off and not answered. Send it again if you still need it.`;
}

const STATE_WORDS: Record<SessionState, string> = {
  working: '⚙️ working',
  live: '🟢 live, idle',
  held: '⏸️ waiting for you (Start fresh?)',
  suspended: '💤 suspended',
  failed: '❌ failed',
};

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

function summaryLine(session: SessionSummary, active: boolean, now: number): string {
  const details = [
    STATE_WORDS[session.state],
    session.persona,
    session.model ?? 'default model',
    `mode ${session.mode ?? 'default'}`,
    agoInWords(now - session.lastActiveAt.getTime()),
  ];
  return `${active ? '▶️' : '•'} ${session.name}: ${details.join(', ')}`;
}

/** `/sessions`: a heading, one line per session (most recent first), and what the live ones weigh. */
export function overviewText(
  heading: string,
  overview: SessionsOverview,
  active: string | undefined,
  now: number,
): string {
  const damaged = overview.unreadable.map(
    (name) => `⚠️ ${name}: unreadable (damaged metadata.json); /session ${name} says why`,
  );
  if (overview.sessions.length === 0 && damaged.length === 0)
    return `${heading}\nNo sessions yet. Use /new <name> to start one.`;
  const lines = [
    ...overview.sessions.map((session) => summaryLine(session, session.name === active, now)),
    ...damaged,
  ];
  const live = overview.liveProcesses;
  const summary =
    live === 0
      ? 'No Claude Code process running.'
      : `${live} Claude Code process${live === 1 ? '' : 'es'} running, ${megabytes(overview.memoryBytes)} in memory.`;
  return [heading, ...lines, '', summary].join('\n');
}
