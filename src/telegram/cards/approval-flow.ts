import type { PermissionDecision, PermissionRequest } from '../../claude/permissions.ts';
import {
  formatRule,
  type PathEnv,
  type PermissionRule,
  parseRule,
  ruleFor,
} from '../../claude/rules/index.ts';
import { approvalAnswer, approvalBehaviour, approvalOutcome } from './approval.ts';
import { approvalButtons, approvalCard, decidedApprovalCard } from './approval-card.ts';
import type { CardContext } from './card-context.ts';
import { fullText, inputSummary } from './tool-view.ts';

/**
 * One approval card from request to answer: the card goes to the chat with `Allow`, `Allow for
 * session` (when a narrow rule exists) and `Deny`; once settled it is edited to show the outcome
 * without buttons; an `Allow for session` rule is stored before Claude Code hears the answer.
 */
export async function askApproval(
  context: CardContext,
  request: PermissionRequest,
  pathEnv: PathEnv,
): Promise<PermissionDecision> {
  const { cards, transport, session, chatId, rules } = context;
  const { toolName, input, sessionDir } = request;
  const rule = ruleFor(toolName, input, request.suggestions, sessionDir, pathEnv);
  const ruleText = rule && formatRule(rule);
  const reason = request.decisionReason ?? request.blockedPath;
  const card = approvalCard({
    session,
    sessionDir,
    toolName,
    input,
    ...(ruleText ? { rule: ruleText } : {}),
    ...(reason ? { reason } : {}),
  });
  const ended = new AbortController();
  const { id, result } = cards.ask({
    behaviour: approvalBehaviour(ruleText),
    state: undefined,
    session,
    chatId,
    tool: toolName,
    summary: inputSummary(toolName, input),
    signal: AbortSignal.any([request.signal, ended.signal]),
    ...(card.trimmed ? { fullText: fullText(toolName, input) } : {}),
  });
  let messageId: number | undefined;
  try {
    const buttons = approvalButtons(id, { rule: rule !== undefined, trimmed: card.trimmed });
    messageId = await transport.send(chatId, card.html, buttons);
    cards.attachMessage(id, messageId);
  } catch (error) {
    ended.abort();
    throw error;
  }
  const settlement = await result;
  let answer = approvalAnswer(settlement);
  let outcome = approvalOutcome(settlement);
  if (answer.allow && answer.rule !== undefined && outcome.kind === 'allowed_for_session') {
    try {
      await rules.add(session, answer.rule);
    } catch (error) {
      // The owner allowed at least this call; a rule that is not on disk must not look stored.
      context.logger.error(
        { err: error, session, rule: answer.rule },
        'could not store an Allow for session rule',
      );
      answer = { allow: true };
      outcome = { kind: 'allowed_rule_not_stored', by: outcome.by, rule: outcome.rule };
    }
  }
  // Not awaited: the tool need not wait for Telegram.
  void transport.edit(chatId, messageId, decidedApprovalCard(card, outcome));
  if (!answer.allow) return answer;
  const stored: PermissionRule | undefined = answer.rule === undefined ? undefined : parseRule(answer.rule);
  return stored ? { allow: true, rule: stored } : { allow: true };
}
