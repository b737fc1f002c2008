import type { CanUseTool, PermissionResult } from '@anthropic-ai/claude-agent-sdk';
import type { Logger } from '../logging.ts';
import { summarizeTool } from './summary.ts';

/** What the bridge is asked when Claude Code wants to run a tool that needs approval. */
export interface PermissionRequest {
  toolName: string;
  input: Record<string, unknown>;
  /** The same short line the progress display uses, e.g. `Running: rm -rf build`. */
  summary: string;
  toolUseId: string;
  /** Aborted when Claude Code no longer needs the answer (turn interrupted, process closed). */
  signal: AbortSignal;
}

export type PermissionDecision = { allow: true } | { allow: false; reason: string };

export type AskPermission = (request: PermissionRequest) => Promise<PermissionDecision>;

/** Until approvals can be given from the chat, tools that need asking are refused with a reason. */
export const denyToolsNeedingApproval: AskPermission = async ({ toolName, summary }) => ({
  allow: false,
  reason: `${toolName} needs approval (${summary}), and approving tools from the chat is not available yet. Use a persona with a permission_mode that allows it.`,
});

/** Adapts the bridge's question to the Agent SDK's `canUseTool` shape. */
export function toCanUseTool(ask: AskPermission, logger?: Logger): CanUseTool {
  return async (toolName, input, { signal, toolUseID }): Promise<PermissionResult> => {
    const summary = summarizeTool(toolName, input);
    try {
      const decision = await ask({ toolName, input, summary, toolUseId: toolUseID, signal });
      logger?.info({ toolName, toolUseId: toolUseID, allow: decision.allow }, 'tool permission decided');
      // updatedInput is required in practice: without it the CLI rejects the allow.
      return decision.allow
        ? { behavior: 'allow', updatedInput: input }
        : { behavior: 'deny', message: decision.reason };
    } catch (error) {
      logger?.warn({ err: error, toolName }, 'permission callback failed; denying');
      return { behavior: 'deny', message: `Permission check failed: ${String(error)}` };
    }
  };
}
