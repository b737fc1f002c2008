import type { CanUseTool, PermissionResult } from '@anthropic-ai/claude-agent-sdk';
import type { Logger } from '../logging.ts';

/** What the bridge is asked when Claude Code wants to run a tool that needs approval. */
export interface PermissionRequest {
  toolName: string;
  input: Record<string, unknown>;
  toolUseId: string;
  /** Aborted when Claude Code no longer needs the answer (turn interrupted, process closed). */
  signal: AbortSignal;
}

/** A refusal's `reason` goes to the model as the tool's result, not to the owner. */
export type PermissionDecision = { allow: true } | { allow: false; reason: string };

export type AskPermission = (request: PermissionRequest) => Promise<PermissionDecision>;

/**
 * Told to the model (not the owner) when a tool is refused because approving from the chat is
 * not possible yet: enough for it to stop trying and explain to the owner what it could not do.
 */
export function refusalForModel(toolName: string): string {
  return `Permission to use ${toolName} was denied: it needs approval under this session's permission mode, and approval cannot be asked for in this session. Do not retry it; tell the user what you needed it for (a persona whose permission_mode allows it would let it run).`;
}

/** Until approvals can be given from the chat, tools that need asking are refused. */
export const denyToolsNeedingApproval: AskPermission = async ({ toolName }) => ({
  allow: false,
  reason: refusalForModel(toolName),
});

/** Adapts the bridge's question to the Agent SDK's `canUseTool` shape. */
export function toCanUseTool(ask: AskPermission, logger?: Logger): CanUseTool {
  return async (toolName, input, { signal, toolUseID }): Promise<PermissionResult> => {
    try {
      const decision = await ask({ toolName, input, toolUseId: toolUseID, signal });
      logger?.info({ toolName, toolUseId: toolUseID, allow: decision.allow }, 'tool permission decided');
      // updatedInput is required in practice: without it the CLI rejects the allow.
      return decision.allow
        ? { behavior: 'allow', updatedInput: input }
        : { behavior: 'deny', message: decision.reason };
    } catch (error) {
      logger?.warn({ err: error, toolName }, 'permission callback failed; denying');
      // Read by the model, like every refusal's reason.
      return { behavior: 'deny', message: `Permission check failed: ${String(error)}` };
    }
  };
}
