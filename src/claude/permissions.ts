import type {
  CanUseTool,
  PermissionMode,
  PermissionResult,
  PermissionUpdate,
} from '@anthropic-ai/claude-agent-sdk';
import type { Logger } from '../logging.ts';
import { type PermissionRule, toRuleValue } from './rules/index.ts';

/** What the bridge is asked when Claude Code wants to run a tool that needs approval. */
export interface PermissionRequest {
  toolName: string;
  input: Record<string, unknown>;
  toolUseId: string;
  /** Aborted when Claude Code no longer needs the answer (turn interrupted, process closed). */
  signal: AbortSignal;
  /** Claude Code's working directory: the session directory rules are anchored in. */
  sessionDir: string;
  /** Rules Claude Code suggests for not asking again (its `permission_suggestions`). */
  suggestions?: PermissionUpdate[];
  /** Why Claude Code asks, when it says. */
  decisionReason?: string;
  /** The path that made Claude Code ask, when one did. */
  blockedPath?: string;
}

/**
 * A refusal's `reason` goes to the model as the tool's result, not to the owner. An allow may
 * carry a rule for Claude Code to keep for the rest of the process (`Allow for session`), a mode
 * to switch to (an approved plan), and a changed input (a question's answers).
 */
export type PermissionDecision =
  | { allow: true; rule?: PermissionRule; mode?: PermissionMode; updatedInput?: Record<string, unknown> }
  | { allow: false; reason: string };

export type AskPermission = (request: PermissionRequest) => Promise<PermissionDecision>;

/**
 * Told to the model (not the owner) when a tool is refused because the session has no way to
 * ask for approval: enough for it to stop trying and explain to the owner what it could not do.
 */
export function refusalForModel(toolName: string): string {
  return `Permission to use ${toolName} was denied: it needs approval under this session's permission mode, and approval cannot be asked for in this session. Do not retry it; tell the user what you needed it for (a persona whose permission_mode allows it would let it run).`;
}

/**
 * The asker of a session given none (the bot always gives one; tests and scripts may not): tools
 * that need approval are refused, with a reason the model can act on, rather than left to the SDK.
 */
export const denyToolsNeedingApproval: AskPermission = async ({ toolName }) => ({
  allow: false,
  reason: refusalForModel(toolName),
});

/** The SDK's answer for a decision: the rule and the mode travel as `updatedPermissions`. */
export function toPermissionResult(
  decision: PermissionDecision,
  input: Record<string, unknown>,
): PermissionResult {
  if (!decision.allow) return { behavior: 'deny', message: decision.reason };
  const updates: PermissionUpdate[] = [];
  if (decision.rule)
    updates.push({
      type: 'addRules',
      rules: [toRuleValue(decision.rule)],
      behavior: 'allow',
      destination: 'session',
    });
  if (decision.mode) updates.push({ type: 'setMode', mode: decision.mode, destination: 'session' });
  // updatedInput is required in practice: without it the CLI rejects the allow.
  return {
    behavior: 'allow',
    updatedInput: decision.updatedInput ?? input,
    ...(updates.length > 0 ? { updatedPermissions: updates } : {}),
  };
}

/** Adapts the bridge's question to the Agent SDK's `canUseTool` shape. */
export function toCanUseTool(
  ask: AskPermission,
  sessionDir: string,
  logger?: Logger,
  { preapproved = [] }: { preapproved?: readonly string[] } = {},
): CanUseTool {
  return async (toolName, input, options): Promise<PermissionResult> => {
    const { signal, toolUseID, suggestions, decisionReason, blockedPath } = options;
    if (preapproved.includes(toolName)) return { behavior: 'allow', updatedInput: input };
    try {
      const decision = await ask({
        toolName,
        input,
        toolUseId: toolUseID,
        signal,
        sessionDir,
        ...(suggestions ? { suggestions } : {}),
        ...(decisionReason ? { decisionReason } : {}),
        ...(blockedPath ? { blockedPath } : {}),
      });
      logger?.info({ toolName, toolUseId: toolUseID, allow: decision.allow }, 'tool permission decided');
      return toPermissionResult(decision, input);
    } catch (error) {
      logger?.warn({ err: error, toolName }, 'permission callback failed; denying');
      // Read by the model, like every refusal's reason.
      return { behavior: 'deny', message: `Permission check failed: ${String(error)}` };
    }
  };
}
