import {
  type ApprovalOutcome,
  approvalHeading,
  approvalOutcomeLine,
  BUTTON,
  replyHint,
  ruleHint,
  trimmedNote,
} from '../copy/control.ts';
import { escapeHtml } from '../render/index.ts';
import { callbackData } from './callback-data.ts';
import { escapeCut } from './escape-cut.ts';
import { COMMAND_LIMIT, toolView } from './tool-view.ts';
import { visible } from './visible.ts';

/** A button as a card describes it; the Telegram side turns rows of these into an InlineKeyboard. */
export interface CardButton {
  text: string;
  data: string;
}

/** What an approval card is built from. */
export interface ApprovalRequest {
  session: string;
  sessionDir: string;
  toolName: string;
  input: Record<string, unknown>;
  /** The rule `Allow for session` would store (formatted); without one the button is not offered. */
  rule?: string;
  /** Why Claude Code asks, when it says (the SDK's `decisionReason` or `blockedPath`). */
  reason?: string;
}

export interface ApprovalCard {
  html: string;
  /** True when the card shows part of the input: offer `Show full`. */
  trimmed: boolean;
}

/** Telegram's limit, less room for the outcome line added when the card is decided. */
export const MESSAGE_LIMIT = 4096;
const OUTCOME_RESERVE = 800;

/**
 * The card's text as Telegram HTML, at most 4096 characters with room to spare for the outcome line.
 *
 * @example
 * approvalCard({ session: 'work', sessionDir, toolName: 'Bash', input: { command: 'npm test' }, rule: 'Bash(npm test:*)' })
 * // 🔐 Approval needed · session work / Bash / <pre>npm test</pre> / Allow for session adds the rule Bash(npm test:*).
 */
export function approvalCard(request: ApprovalRequest): ApprovalCard {
  let limit = COMMAND_LIMIT;
  for (;;) {
    const view = toolView(request.toolName, request.input, request.sessionDir, limit);
    const lines = [
      approvalHeading(request.session),
      `<b>${escapeHtml(visible(toolNameLine(request.toolName)))}</b>`,
    ];
    if (request.reason) lines.push(`<i>${escapeCut(visible(request.reason), 300)}</i>`);
    lines.push(view.html);
    if (view.trimmed) lines.push(trimmedNote(view.trimmed.total));
    if (request.rule) lines.push(ruleHint(request.rule));
    lines.push(replyHint);
    const html = lines.join('\n');
    // The view is capped already; this only shortens a command that escaping made too long.
    if (html.length <= MESSAGE_LIMIT - OUTCOME_RESERVE || limit <= 100) {
      return { html, trimmed: view.trimmed !== undefined };
    }
    limit = Math.floor(limit / 2);
  }
}

const toolNameLine = (toolName: string): string => {
  const mcp = /^mcp__(.+?)__(.+)$/.exec(toolName);
  return mcp ? `${mcp[2]} (MCP)` : toolName;
};

/** The card once decided: the same text, the reply hint gone, the outcome as its last line. */
export function decidedApprovalCard(card: ApprovalCard, outcome: ApprovalOutcome): string {
  const body = card.html.endsWith(`\n${replyHint}`) ? card.html.slice(0, -replyHint.length - 1) : card.html;
  return `${body}\n\n${approvalOutcomeLine(outcome)}`;
}

/** The buttons: `Allow`, `Allow for session` (when a rule is offered), `Deny`, and `Show full` when trimmed. */
export function approvalButtons(id: string, options: { rule: boolean; trimmed: boolean }): CardButton[][] {
  const rows: CardButton[][] = [
    [
      { text: BUTTON.allow, data: callbackData(id, 'a') },
      ...(options.rule ? [{ text: BUTTON.allowForSession, data: callbackData(id, 's') }] : []),
      { text: BUTTON.deny, data: callbackData(id, 'd') },
    ],
  ];
  if (options.trimmed) rows.push([{ text: BUTTON.showFull, data: callbackData(id, 'f') }]);
  return rows;
}
