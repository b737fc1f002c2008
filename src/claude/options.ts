import type {
  McpServerConfig,
  Options,
  PermissionMode,
  SettingSource,
  query as sdkQuery,
} from '@anthropic-ai/claude-agent-sdk';
import type { Logger } from '../logging.ts';
import { type AskPermission, denyToolsNeedingApproval, toCanUseTool } from './permissions.ts';
import { type ClaudeProcessHandle, KILL_GRACE_MS, spawnClaudeCode } from './spawn.ts';
import type { CrashPolicy } from './supervisor.ts';
import type { HoldTimers } from './usage-limit.ts';

export interface ClaudeSessionOptions {
  /** The session directory: Claude Code's working directory. */
  cwd: string;
  /** The FULL environment of the child (the SDK replaces, not merges). */
  env: Record<string, string | undefined>;
  logger: Logger;
  /** Asked for every tool that needs approval; the default refuses. */
  askPermission?: AskPermission;
  /** A Claude session id to continue (from metadata.json's `claude_session_id`). */
  resume?: string;
  /** Appended to Claude Code's own system prompt. */
  personaPrompt?: string;
  model?: string;
  maxTurns?: number;
  permissionMode?: PermissionMode;
  /** Rules that run without asking from the start, in Claude Code's syntax (`Bash(npm test:*)`). */
  allowedTools?: string[];
  /**
   * Whole tools of the bridge's own (`mcp__bridge__send_file`) that never wait for an approval. Allowed
   * in `canUseTool` rather than listed in `allowedTools`, where a bare tool name makes the SDK warn at
   * every process start that the callback is shadowed.
   */
  preapprovedTools?: string[];
  /** CLAUDE_PATH; default: the binary of the SDK's platform package. */
  claudePath?: string;
  /** Which settings files Claude Code reads; default user, project and local, as the CLI does. */
  settingSources?: SettingSource[];
  /** Between SIGTERM and SIGKILL when a process is ended; default KILL_GRACE_MS. */
  killGraceMs?: number;
  /**
   * Where the resumed conversation's cumulative cost stood (the last `totalCostUsd` seen):
   * Claude Code restores it on resume, so each turn's own cost is what it adds to this.
   */
  costBaselineUsd?: number;
  /** The clock of a usage-limit hold; tests pass a manual one. */
  holdTimers?: HoldTimers;
  /** How many unexpected exits within how long are restarted before giving up (see CrashSupervisor). */
  crashPolicy?: CrashPolicy;
  /**
   * In-process MCP servers (files out, issue 11), built afresh for every process start, restarts
   * included: an SDK server instance serves one Claude Code process at a time.
   */
  mcpServers?: () => Record<string, McpServerConfig>;
  /**
   * Told of every Claude Code process spawned for this session, right after the spawn (app.ts
   * records it in `DATA_DIR/state/` so a bot killed with SIGKILL leaves nothing behind).
   */
  onSpawned?: (handle: ClaudeProcessHandle) => void;
  /** The Agent SDK's `query`, replaceable in tests. */
  query?: typeof sdkQuery;
}

/**
 * The SDK options of one Claude Code process: the session's settings, `resume` for the
 * conversation to continue, and `onSpawn` handed the process the SDK has the bridge spawn.
 */
export function sdkOptionsFor(
  options: ClaudeSessionOptions,
  resume: string | undefined,
  log: Logger,
  onSpawn: (handle: ClaudeProcessHandle) => void,
): Options {
  return {
    cwd: options.cwd,
    env: options.env,
    ...(resume ? { resume } : {}),
    systemPrompt: { type: 'preset', preset: 'claude_code', append: options.personaPrompt ?? '' },
    ...(options.model ? { model: options.model } : {}),
    ...(options.maxTurns ? { maxTurns: options.maxTurns } : {}),
    ...(options.permissionMode ? { permissionMode: options.permissionMode } : {}),
    // Claude Code refuses bypassPermissions without it.
    ...(options.permissionMode === 'bypassPermissions' ? { allowDangerouslySkipPermissions: true } : {}),
    ...(options.allowedTools?.length ? { allowedTools: options.allowedTools } : {}),
    ...(options.claudePath ? { pathToClaudeCodeExecutable: options.claudePath } : {}),
    settingSources: options.settingSources ?? ['user', 'project', 'local'],
    // Answer text as it is written (`stream_event`), so the owner can watch it grow.
    includePartialMessages: true,
    canUseTool: toCanUseTool(options.askPermission ?? denyToolsNeedingApproval, options.cwd, log, {
      preapproved: options.preapprovedTools ?? [],
    }),
    ...(options.mcpServers ? { mcpServers: options.mcpServers() } : {}),
    stderr: (data) => log.debug({ stderr: data.trimEnd() }, 'claude stderr'),
    spawnClaudeCodeProcess: (spawnOptions) => {
      const handle = spawnClaudeCode(spawnOptions, {
        logger: log,
        killGraceMs: options.killGraceMs ?? KILL_GRACE_MS,
      });
      onSpawn(handle);
      options.onSpawned?.(handle);
      return handle.child;
    },
  };
}
