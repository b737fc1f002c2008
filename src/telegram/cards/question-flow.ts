import type { PermissionDecision, PermissionRequest } from '../../claude/permissions.ts';
import { type QuestionOutcome, questionOutcomeLine, questionUnanswered } from '../copy/control.ts';
import type { CardContext } from './card-context.ts';
import type { Settlement } from './pending.ts';
import {
  answeredInput,
  initialQuestionState,
  type Question,
  type QuestionDecision,
  questionBehaviour,
  questionButtons,
  questionCardHtml,
} from './question.ts';

const SUMMARY_LIMIT = 200;

function outcomeOf(settlement: Settlement<QuestionDecision>): QuestionOutcome {
  if (settlement.kind === 'timed_out') return { kind: 'timed_out', afterMs: settlement.afterMs };
  if (settlement.kind === 'cancelled') return { kind: 'cancelled', why: settlement.why };
  return { kind: 'answered', by: settlement.by.name, answers: settlement.decision.answers };
}

/**
 * Claude's `AskUserQuestion` as a card: one button per option (toggles and `Done` for multi-select,
 * the card redrawn on each toggle); a typed reply answers too. The answers go back to Claude as the
 * tool input's `answers`; no answer in time is a denial Claude reads.
 */
export async function askQuestion(
  context: CardContext,
  request: PermissionRequest,
  questions: Question[],
): Promise<PermissionDecision> {
  const { cards, transport, session, chatId } = context;
  const start = initialQuestionState(questions);
  let messageId: number | undefined;
  const ended = new AbortController();
  const { id, result } = cards.ask({
    behaviour: questionBehaviour(questions),
    state: start,
    session,
    chatId,
    tool: request.toolName,
    summary: questions
      .map((question) => question.question)
      .join(' | ')
      .slice(0, SUMMARY_LIMIT),
    signal: AbortSignal.any([request.signal, ended.signal]),
    onUpdate: (state) => {
      if (messageId === undefined) return;
      void transport.edit(
        chatId,
        messageId,
        questionCardHtml(session, questions, state),
        questionButtons(id, questions, state),
      );
    },
  });
  try {
    messageId = await transport.send(
      chatId,
      questionCardHtml(session, questions, start),
      questionButtons(id, questions, start),
    );
    cards.attachMessage(id, messageId);
  } catch (error) {
    ended.abort();
    throw error;
  }
  const settlement = await result;
  const html = `${questionCardHtml(session, questions, start)}\n\n${questionOutcomeLine(outcomeOf(settlement))}`;
  void transport.edit(chatId, messageId, html);
  if (settlement.kind !== 'decided') return { allow: false, reason: questionUnanswered };
  return { allow: true, updatedInput: answeredInput(request.input, settlement.decision) };
}
