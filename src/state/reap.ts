import { findProcessesByEnv, readProcStat } from '../claude/proc-scan.ts';

/** What `reapLeftovers` found and did: typed, for the log and for tests. */
export interface ReapReport {
  /** Processes the record named. */
  recorded: number;
  /** Ended by SIGTERM (recorded processes and the tools found by their marker). */
  ended: number[];
  /** Still running after the grace period: ended by SIGKILL. */
  killed: number[];
  /** Recorded pids now held by a process with another start time: left alone. */
  reused: number[];
  /** Still running after SIGKILL (should never happen; logged as an error). */
  survivors: number[];
  /** Set when the record could not be read: it was ignored (and replaced). */
  corrupted?: string;
}

export interface ReapOptions {
  markerEnv: string;
  graceMs: number;
  procRoot?: string;
  /** Sends a signal; default `process.kill`. */
  kill?: (pid: number, signal: NodeJS.Signals) => void;
}

interface Leftover {
  pid: number;
  start_time: string;
  pgid: number;
  marker: string;
}

const KILL_WAIT_MS = 2_000;
const POLL_MS = 25;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Ends `leftovers` (processes a previous instance started) and everything carrying their markers:
 * SIGTERM to each verified process's group and to every marked process, SIGKILL to what is still
 * running after `graceMs`. A recorded pid is acted on only if it still has the recorded start time;
 * a marked process is acted on because the marker (a random UUID) is in its environment.
 */
export async function reapChildren(
  leftovers: readonly Leftover[],
  options: ReapOptions,
): Promise<ReapReport> {
  const report: ReapReport = { recorded: leftovers.length, ended: [], killed: [], reused: [], survivors: [] };
  if (leftovers.length === 0) return report;
  const { procRoot } = options;
  const kill = options.kill ?? process.kill.bind(process);
  const ownGroup = (await readProcStat(process.pid, procRoot))?.pgid;
  const markerEntries = leftovers.map((leftover) => `${options.markerEnv}=${leftover.marker}`);

  const isSame = async (leftover: Leftover): Promise<'same' | 'gone' | 'reused'> => {
    const stat = await readProcStat(leftover.pid, procRoot);
    if (!stat || stat.state === 'Z') return 'gone';
    return stat.startTime === leftover.start_time ? 'same' : 'reused';
  };

  const verified: Leftover[] = [];
  for (const leftover of leftovers) {
    const found = await isSame(leftover);
    if (found === 'same') verified.push(leftover);
    if (found === 'reused') report.reused.push(leftover.pid);
  }

  /** Everything to end now: verified recorded processes still alive, and every marked process. */
  const targets = async (): Promise<number[]> => {
    const pids = new Set<number>();
    for (const leftover of verified) if ((await isSame(leftover)) === 'same') pids.add(leftover.pid);
    for (const found of (await findProcessesByEnv(markerEntries, procRoot)).values())
      for (const pid of found) pids.add(pid);
    pids.delete(process.pid);
    return [...pids];
  };

  const signalAll = async (signal: NodeJS.Signals): Promise<number[]> => {
    // Listed before the group signal, so the report names the group's members too.
    const pids = await targets();
    for (const leftover of verified) {
      // The group only where the process leads its own (spawned detached) and it is not ours.
      const leadsGroup = leftover.pgid === leftover.pid && leftover.pgid !== ownGroup;
      if (leadsGroup && (await isSame(leftover)) === 'same') signalQuietly(kill, -leftover.pgid, signal);
    }
    for (const pid of pids) signalQuietly(kill, pid, signal);
    return pids;
  };

  const waitUntilGone = async (ms: number): Promise<number[]> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const left = await targets();
      if (left.length === 0 || Date.now() >= deadline) return left;
      await sleep(POLL_MS);
    }
  };

  const terminated = await signalAll('SIGTERM');
  if (terminated.length === 0) return report;
  const stubborn = await waitUntilGone(options.graceMs);
  report.ended = terminated.filter((pid) => !stubborn.includes(pid));
  if (stubborn.length === 0) return report;
  report.killed = await signalAll('SIGKILL');
  report.survivors = await waitUntilGone(KILL_WAIT_MS);
  report.killed = report.killed.filter((pid) => !report.survivors.includes(pid));
  return report;
}

function signalQuietly(kill: NonNullable<ReapOptions['kill']>, pid: number, signal: NodeJS.Signals): void {
  try {
    kill(pid, signal);
  } catch {
    // ESRCH: gone meanwhile. EPERM: not ours to signal.
  }
}
