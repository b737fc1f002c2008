export type {
  ClaudeError,
  ClaudeErrorKind,
  ClaudeEvent,
  ClaudeEventListener,
  MessageOrigin,
  ModelApiErrorKind,
  ProcessDeath,
} from './events.ts';
export type { ClaudeSessionOptions } from './options.ts';
export {
  type AskPermission,
  denyToolsNeedingApproval,
  type PermissionDecision,
  type PermissionRequest,
  refusalForModel,
} from './permissions.ts';
export {
  ClaudeSession,
  type ClaudeSessionFactory,
  type ClaudeSessionState,
  createClaudeSession,
} from './process.ts';
export type { UserContent } from './queue.ts';
export { KILL_GRACE_MS } from './spawn.ts';
