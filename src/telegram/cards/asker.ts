import type { AskPermission, PermissionRequest } from '../../claude/permissions.ts';
import { findMatchingRule, formatRule, type PathEnv, parseRules } from '../../claude/rules/index.ts';
import { askApproval } from './approval-flow.ts';
import type { CardContext } from './card-context.ts';
import { askPlan } from './plan-flow.ts';
import { parseQuestions } from './question.ts';
import { askQuestion } from './question-flow.ts';
import { inputSummary } from './tool-view.ts';

export interface AskerDeps extends Omit<CardContext, 'session' | 'chatId'> {
  pathEnv: () => PathEnv;
  /** An approved plan chose the session's next mode: store it. */
  modeChosen: (session: string, mode: 'acceptEdits' | 'default') => Promise<void>;
}

/**
 * The `AskPermission` of one session: Claude's questions and plans become their cards; any other
 * tool runs at once when one of the session's stored rules allows it (Claude Code asks again for
 * some calls its own rules should cover, such as a command with a redirect), else an approval card
 * asks the owner. `chatOf` names the chat the session is answering at the moment of the request.
 */
export function permissionAsker(deps: AskerDeps, session: string, chatOf: () => number): AskPermission {
  return async (request: PermissionRequest) => {
    const context: CardContext = { ...deps, session, chatId: chatOf() };
    if (request.toolName === 'ExitPlanMode') return askPlan(context, request, deps.modeChosen);
    if (request.toolName === 'AskUserQuestion') {
      const questions = parseQuestions(request.input);
      if (questions) return askQuestion(context, request, questions);
    }
    const pathEnv = deps.pathEnv();
    const stored = parseRules(await deps.rules.list(session));
    const rule = findMatchingRule(stored, request.toolName, request.input, request.sessionDir, pathEnv);
    if (rule) {
      deps.logger.info(
        {
          audit: 'card',
          session,
          chatId: context.chatId,
          tool: request.toolName,
          summary: inputSummary(request.toolName, request.input),
          outcome: 'allowed_by_rule',
          rule: formatRule(rule),
        },
        'card decision',
      );
      return { allow: true };
    }
    return askApproval(context, request, pathEnv);
  };
}
