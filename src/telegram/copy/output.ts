/**
 * Every sentence about how output reaches the owner: the output modes, `/model`, `/last`, the
 * progress summary, answers Telegram did not take. The SPEC.md texts are relied on: exact.
 */
import type { ModelOutcome, OutputModeOutcome } from '../../sessions/outcomes.ts';

export const NO_ACTIVE_SESSION = 'No active session. Use /new <name> to start one.';

/** The models offered as buttons by `/model`; any full model id works as well. */
export const MODEL_ALIASES = ['sonnet', 'opus', 'haiku'] as const;

export const MODEL_USAGE = 'Usage: /model [sonnet|opus|haiku|<full model id>]';

/** `/verbose`, `/smart`. */
export function outputModeText(outcome: OutputModeOutcome): string {
  if (!outcome.ok) return NO_ACTIVE_SESSION;
  const mode = outcome.toggled === 'verbose' ? 'Verbose' : 'Smart';
  return `${mode} output ${outcome.on ? 'on' : 'off'} for '${outcome.name}'.`;
}

/** `/model`, with or without a new model. */
export function modelText(outcome: ModelOutcome): string {
  if (!outcome.ok) return NO_ACTIVE_SESSION;
  return `Model for '${outcome.name}': ${outcome.model ?? 'default'}.`;
}

export function noLastAnswerText(session: string): string {
  return `No answer from '${session}' to send again yet.`;
}

/** `1 m 40 s`, `12 s`, `2 h 5 m`: a duration for a phone screen. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} m` : `${minutes} m ${seconds % 60} s`;
  return minutes % 60 === 0
    ? `${Math.floor(minutes / 60)} h`
    : `${Math.floor(minutes / 60)} h ${minutes % 60} m`;
}

/** What a turn's status message collapses into: `12 tools · 1 m 40 s`. */
export function progressSummary(tools: number, elapsedMs: number): string {
  return `${tools} ${tools === 1 ? 'tool' : 'tools'} · ${formatElapsed(elapsedMs)}`;
}

/** The running line under the tool lines while a turn goes on. */
export function elapsedLine(elapsedMs: number): string {
  return `⏱ ${formatElapsed(elapsedMs)}`;
}

/** What Telegram did not take while it was unreachable, for one session. */
export interface LateAnswers {
  session: string;
  /** The chat's active session (where `/last` alone has its newest answer). */
  active: boolean;
  /** Answers sent now, after this line. */
  late: number;
  /** Older answers let go (only the newest are kept in memory). */
  dropped: number;
}

/** Sent as soon as Telegram takes messages again, before the answers it did not take. */
export function lateAnswersText(missed: LateAnswers): string {
  const count = missed.late + missed.dropped;
  const head = `Telegram could not take ${count === 1 ? 'an answer' : `${count} answers`} from '${missed.session}' for a while`;
  if (missed.dropped === 0) return `${head}. ${missed.late === 1 ? 'Here it is' : 'Here they are'}, late:`;
  if (missed.late > 0) {
    const oldest = missed.dropped === 1 ? 'the oldest was' : `the ${missed.dropped} oldest were`;
    return `${head}; ${oldest} lost. The newest follow, late:`;
  }
  const how = missed.active
    ? 'Send /last for the newest.'
    : `Use /session ${missed.session}, then /last for the newest.`;
  return `${head}, and ${missed.dropped === 1 ? 'it was' : 'they were'} lost. ${how}`;
}

/** The caption of the file that carries a smart-mode answer in full. */
export function smartFileCaption(length: number): string {
  return `The full answer (${length} characters).`;
}
