import { type ChildProcess, spawn as nodeSpawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { SpawnedProcess, SpawnOptions } from '@anthropic-ai/claude-agent-sdk';
import type { Logger } from '../logging.ts';
import { type AutogroupWriter, CLAUDE_NICENESS, lowerPriority } from './priority.ts';
import { findProcessesWithEnv, processState } from './proc-scan.ts';

/**
 * Between SIGTERM and SIGKILL when a Claude Code process is ended. Short, because the bot must be
 * gone within 5 s of a SIGTERM of its own, and closing its sessions is only part of that.
 */
export const KILL_GRACE_MS = 2_000;

/** Set on every Claude Code process (and so inherited by all its tools) to find them again. */
export const PROCESS_MARKER_ENV = 'CLAUDE_BRIDGE_PROCESS_MARKER';

export interface ClaudeProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A spawned `claude` the bridge holds on to: the SDK gets `child`, the bridge keeps the rest. */
export interface ClaudeProcessHandle {
  readonly child: SpawnedProcess;
  readonly pid: number | undefined;
  /** The marker value in the environment of this process and all its descendants. */
  readonly marker: string;
  readonly exited: Promise<ClaudeProcessExit>;
  readonly hasExited: boolean;
  /**
   * SIGTERM to the process group and to every descendant, SIGKILL to what is left after
   * `graceMs`; resolves once `claude` has exited and been reaped and no descendant is alive.
   */
  terminate(graceMs?: number): Promise<void>;
}

export interface SpawnClaudeDeps {
  logger: Logger;
  /** The grace period of a `terminate()` that names none (the SDK's abort does not); default KILL_GRACE_MS. */
  killGraceMs?: number;
  spawn?: typeof nodeSpawn;
  /** How much nicer than the bot the process runs; default CLAUDE_NICENESS. */
  niceness?: number;
  /** Sets the process's autogroup niceness (tests); default: /proc/<pid>/autogroup. */
  writeAutogroup?: AutogroupWriter;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone.
  }
}

export function spawnClaudeCode(options: SpawnOptions, deps: SpawnClaudeDeps): ClaudeProcessHandle {
  const marker = randomUUID();
  const child: ChildProcess = (deps.spawn ?? nodeSpawn)(options.command, options.args, {
    cwd: options.cwd,
    env: { ...options.env, [PROCESS_MARKER_ENV]: marker },
    stdio: ['pipe', 'pipe', 'pipe'],
    // Own process group, so the whole group can be signalled without touching the bridge.
    detached: true,
  });
  const log = deps.logger.child({ claudePid: child.pid });
  // Right after it starts, long before Claude Code starts any tool.
  if (child.pid !== undefined)
    void lowerPriority(child.pid, deps.niceness ?? CLAUDE_NICENESS, log, deps.writeAutogroup);

  let hasExited = false;
  const exited = new Promise<ClaudeProcessExit>((resolve) => {
    // 'close' rather than 'exit': the child is reaped and its pipes are drained.
    child.once('close', (code, signal) => {
      hasExited = true;
      log.info({ code, signal }, 'claude process exited');
      resolve({ code, signal });
    });
    child.once('error', (error) => {
      if (child.pid === undefined) {
        hasExited = true;
        log.error({ err: error }, 'claude process failed to start');
        resolve({ code: null, signal: null });
      }
    });
  });
  // A write after the child died must not crash the bridge.
  child.stdin?.on('error', (error) => log.debug({ err: error }, 'claude stdin closed'));
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => log.debug({ stderr: chunk.trimEnd() }, 'claude stderr'));

  const survivors = (): Promise<number[]> => findProcessesWithEnv(PROCESS_MARKER_ENV, marker);
  const signalAll = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.pid !== undefined && !hasExited) signalQuietly(-child.pid, signal);
    for (const pid of await survivors()) signalQuietly(pid, signal);
  };
  const settled = async (ms: number): Promise<boolean> => {
    const deadline = Date.now() + ms;
    for (;;) {
      if (hasExited && (await survivors()).length === 0) return true;
      if (Date.now() >= deadline) return false;
      await sleep(25);
    }
  };

  let terminating: Promise<void> | undefined;
  const terminate = (graceMs = deps.killGraceMs ?? KILL_GRACE_MS): Promise<void> => {
    terminating ??= (async () => {
      if (child.pid === undefined) return;
      await signalAll('SIGTERM');
      if (await settled(graceMs)) return;
      log.warn({ remaining: await survivors() }, 'claude did not stop on SIGTERM; sending SIGKILL');
      await signalAll('SIGKILL');
      if (!(await settled(5000))) log.error({ remaining: await survivors() }, 'processes survived SIGKILL');
    })();
    return terminating;
  };

  // The SDK aborts this only after its own graceful stdin-close window.
  options.signal.addEventListener('abort', () => void terminate(), { once: true });

  return {
    // With stdio 'pipe', stdin and stdout are never null: the ChildProcess is a SpawnedProcess.
    child: child as SpawnedProcess & ChildProcess,
    get pid() {
      return child.pid;
    },
    marker,
    exited,
    get hasExited() {
      return hasExited;
    },
    terminate,
  };
}

/** True when nothing is left of `pid`: not running and not a zombie waiting to be reaped. */
export function isGone(pid: number): boolean {
  return processState(pid) === undefined;
}
