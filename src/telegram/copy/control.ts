import { escapeCut } from '../cards/escape-cut.ts';
import { visible } from '../cards/visible.ts';
import { escapeHtml } from '../render/index.ts';

/** Every sentence the owner reads on approval, question and plan cards. Button texts are in SPEC.md. */

export const BUTTON = {
  allow: '✅ Allow',
  allowForSession: '🔁 Allow for session',
  deny: '❌ Deny',
  showFull: '📜 Show full',
  approvePlanAcceptEdits: '✅ Approve plan · accept edits',
  approvePlanAskEdits: '✅ Approve plan · ask before edits',
  keepPlanning: '✏️ Keep planning',
  done: '☑️ Done',
} as const;

export const NO_LONGER_PENDING = 'This request is no longer pending.';

/** Why a card stopped waiting without anyone deciding. */
export type CardCancelReason = 'turn_ended' | 'stopped' | 'crashed' | 'restarted';

const CANCEL_REASON: Record<CardCancelReason, string> = {
  turn_ended: 'the turn ended',
  stopped: 'the turn was stopped',
  crashed: 'Claude Code stopped unexpectedly',
  restarted: 'the bot restarted',
};

/** How an approval card ended; `by` is the name of whoever pressed. */
export type ApprovalOutcome =
  | { kind: 'allowed'; by: string }
  | { kind: 'allowed_for_session'; by: string; rule: string }
  /** `Allow for session` pressed, but the rule could not be written to metadata.json: allowed this once. */
  | { kind: 'allowed_rule_not_stored'; by: string; rule: string }
  | { kind: 'denied'; by: string; reason?: string }
  | { kind: 'timed_out'; afterMs: number }
  | { kind: 'cancelled'; why: CardCancelReason };

/** `600000` → `10 min`, `1500` → `1.5 s`. */
export function formatWait(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}

const MAX_REASON = 500;
const MAX_NAME = 100;
/** Text from outside (a name, a reason, a rule) made visible, escaped and cut to a line's worth of HTML. */
const short = (text: string, max = MAX_REASON): string => escapeCut(visible(text), max);

/** The last line of a decided card, as Telegram HTML. */
export function approvalOutcomeLine(outcome: ApprovalOutcome): string {
  switch (outcome.kind) {
    case 'allowed':
      return `✅ Allowed by ${short(outcome.by, MAX_NAME)}`;
    case 'allowed_for_session':
      return `✅ Allowed for this session by ${short(outcome.by, MAX_NAME)} (rule: <code>${short(outcome.rule)}</code>)`;
    case 'allowed_rule_not_stored':
      return `✅ Allowed once by ${short(outcome.by, MAX_NAME)}; the rule <code>${short(outcome.rule)}</code> could not be stored, so the next such call asks again`;
    case 'denied':
      return outcome.reason
        ? `❌ Denied by ${short(outcome.by, MAX_NAME)}: ${short(outcome.reason)}`
        : `❌ Denied by ${short(outcome.by, MAX_NAME)}`;
    case 'timed_out':
      return `⏱ Timed out after ${formatWait(outcome.afterMs)}: denied`;
    case 'cancelled':
      return `⏹ No longer needed (${CANCEL_REASON[outcome.why]})`;
  }
}

/** What Claude is told when the owner denies without a reason, or no one answers. */
export const DENIED_BY_OWNER = 'The owner denied this tool use.';
export const deniedWithReason = (reason: string): string => `The owner denied this tool use: ${reason}`;
export const deniedAfterTimeout = (ms: number): string =>
  `No answer from the owner within ${formatWait(ms)}; the tool use was denied.`;

export const approvalHeading = (session: string): string =>
  `🔐 <b>Approval needed</b> · session <b>${escapeHtml(session)}</b>`;
export const ruleHint = (rule: string): string =>
  `<i>Allow for session</i> adds the rule <code>${short(rule)}</code>.`;
export const trimmedNote = (total: number): string =>
  `<i>Part of ${total} characters shown; Show full has the whole text.</i>`;
export const replyHint = '<i>Reply to this message to deny with a reason.</i>';

export const questionHeading = (session: string): string =>
  `❓ <b>Claude asks</b> · session <b>${escapeHtml(session)}</b>`;
export const planHeading = (session: string): string =>
  `📋 <b>Plan ready</b> · session <b>${escapeHtml(session)}</b> · reply to keep planning with a note`;

/** How a question card ended. */
export type QuestionOutcome =
  | { kind: 'answered'; by: string; answers: Record<string, string> }
  | { kind: 'timed_out'; afterMs: number }
  | { kind: 'cancelled'; why: CardCancelReason };

export function questionOutcomeLine(outcome: QuestionOutcome): string {
  if (outcome.kind === 'timed_out') return `⏱ Timed out after ${formatWait(outcome.afterMs)}: no answer`;
  if (outcome.kind === 'cancelled') return `⏹ No longer needed (${CANCEL_REASON[outcome.why]})`;
  const given = Object.values(outcome.answers).map((answer) => short(answer, 200));
  return `✅ Answered by ${short(outcome.by, MAX_NAME)}: ${given.join('; ')}`;
}

/** How a plan card ended. */
export type PlanOutcome =
  | { kind: 'approved'; by: string; mode: 'acceptEdits' | 'default' }
  | { kind: 'keep_planning'; by: string; note?: string }
  | { kind: 'timed_out'; afterMs: number }
  | { kind: 'cancelled'; why: CardCancelReason };

export function planOutcomeLine(outcome: PlanOutcome): string {
  switch (outcome.kind) {
    case 'approved':
      return `✅ Plan approved by ${short(outcome.by, MAX_NAME)}; mode now ${outcome.mode}`;
    case 'keep_planning':
      return outcome.note
        ? `✏️ Keep planning, says ${short(outcome.by, MAX_NAME)}: ${short(outcome.note)}`
        : `✏️ Keep planning, says ${short(outcome.by, MAX_NAME)}`;
    case 'timed_out':
      return `⏱ Timed out after ${formatWait(outcome.afterMs)}: still planning`;
    case 'cancelled':
      return `⏹ No longer needed (${CANCEL_REASON[outcome.why]})`;
  }
}

/** What Claude is told when its question got no answer (timed out, or the turn went away). */
export const questionUnanswered =
  'The owner did not answer the question. Carry on without it, or ask again later.';

/** What Claude is told when the owner keeps it planning, with their note if they wrote one. */
export const keepPlanningMessage = (note?: string): string =>
  note
    ? `The owner wants you to keep planning. Their note: ${note}`
    : 'The owner wants you to keep planning: refine the plan before asking again.';
