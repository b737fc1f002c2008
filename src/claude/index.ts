export type { ClaudeErrorKind, ClaudeEvent, ClaudeEventListener, MessageOrigin } from './events.ts';
export {
  type AskPermission,
  denyToolsNeedingApproval,
  type PermissionDecision,
  type PermissionRequest,
} from './permissions.ts';
export {
  ClaudeSession,
  type ClaudeSessionFactory,
  type ClaudeSessionOptions,
  type ClaudeSessionState,
  createClaudeSession,
  type UserContent,
} from './process.ts';
export { summarizeTool } from './summary.ts';
