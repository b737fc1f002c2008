/**
 * `src/claude/`: Claude Code processes, and the only place the Agent SDK is used. It never words
 * anything for the owner and never names a Telegram command: it emits the typed events of
 * `events.ts`, and `src/telegram/` (copy/claude.ts, copy/tools.ts, session-output.ts) says them.
 * Nothing here imports from `telegram/` or `sessions/`.
 *
 * - `process.ts`    ClaudeSession: one session's turns and events, composed of the pieces below
 * - `queue.ts`      the ordered message queue; which message (and chat) each turn belongs to
 * - `turn-control.ts` interrupt, stop, send next; the holds (usage limit, missing transcript)
 * - `conversation.ts` the Claude conversation continued: its id, each turn's cost
 * - `process-slot.ts` the one process at a time: started, read, replaced after a crash
 * - `supervisor.ts` after a crash: which notice, restart (3 in 10 minutes) or give up, the backoff
 * - `runner.ts`     one Claude Code process: its SDK query and its prompt stream
 * - `options.ts`    the session's settings → the SDK's `Options`
 * - `translate.ts`  SDK messages → events (`events.ts`)
 * - `permissions.ts` the SDK's `canUseTool` → the bridge's `AskPermission`
 * - `spawn.ts`, `proc-scan.ts` spawning `claude` in its own group; ending it and every descendant
 * - `proc-memory.ts` the resident memory of the processes and their descendants (for `/sessions`)
 */
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
