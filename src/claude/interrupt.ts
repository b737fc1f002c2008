import { findProcessesWithEnv, processStartTicks } from './proc-scan.ts';
import { PROCESS_MARKER_ENV } from './spawn.ts';

/** How long Claude Code gets to end an interrupted turn's tools itself before the bridge does. */
export const TOOL_SETTLE_MS = 500;
/** Between SIGTERM and SIGKILL for a tool process left behind. */
export const TOOL_GRACE_MS = 1_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface TurnProcesses {
  /** The marker value in the environment of the `claude` process and all its descendants. */
  marker: string;
  /** The `claude` process itself: it lives on after an interrupt. */
  claudePid: number | undefined;
  /** When the interrupted turn began (clock ticks since boot): what started earlier is not its. */
  sinceTicks: number;
}

export interface EndToolsDeps {
  find?: (marker: string) => Promise<number[]>;
  startTicks?: (pid: number) => number | undefined;
  signal?: (pid: number, signal: NodeJS.Signals) => void;
  settleMs?: number;
  graceMs?: number;
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone.
  }
}

/**
 * Ends what the interrupted turn's tools left running (a long `npm test`, a `sleep 600` under a
 * Bash call): the processes carrying the `claude` process's marker that started during the turn,
 * other than `claude` itself. Processes `claude` started before the turn (MCP servers) are kept.
 * Claude Code gets `settleMs` to do it itself; what is left gets SIGTERM, then SIGKILL after
 * `graceMs`. Resolves with the pids the bridge had to signal.
 */
export async function endInterruptedTools(turn: TurnProcesses, deps: EndToolsDeps = {}): Promise<number[]> {
  const find = deps.find ?? ((marker: string) => findProcessesWithEnv(PROCESS_MARKER_ENV, marker));
  const startTicks = deps.startTicks ?? processStartTicks;
  const signal = deps.signal ?? signalQuietly;
  const leftovers = async (): Promise<number[]> =>
    (await find(turn.marker)).filter((pid) => {
      if (pid === turn.claudePid) return false;
      const started = startTicks(pid);
      return started !== undefined && started >= turn.sinceTicks;
    });

  const settleDeadline = Date.now() + (deps.settleMs ?? TOOL_SETTLE_MS);
  let left = await leftovers();
  while (left.length > 0 && Date.now() < settleDeadline) {
    await sleep(50);
    left = await leftovers();
  }
  if (left.length === 0) return [];
  const signalled = [...left];
  for (const pid of left) signal(pid, 'SIGTERM');
  const graceDeadline = Date.now() + (deps.graceMs ?? TOOL_GRACE_MS);
  while (left.length > 0 && Date.now() < graceDeadline) {
    await sleep(50);
    left = await leftovers();
  }
  for (const pid of left) signal(pid, 'SIGKILL');
  return signalled;
}
