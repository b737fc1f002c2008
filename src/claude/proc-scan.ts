import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

/**
 * Linux /proc readers: the one place the bridge looks at processes it did not spawn itself.
 * Claude Code's Bash tool runs each command in its own session, so a background `sleep` escapes the
 * process group of the `claude` process and is re-parented to PID 1 once its shell returns. What it
 * cannot shed is its environment: every descendant carries the marker variable the bridge set on the
 * `claude` process, and that is how it is found (spawn.ts when ending a session, src/state/ when
 * reaping what a killed bot left). The scans are asynchronous, a few reads at a time: they run every
 * few milliseconds while a killed process's tools linger, and a synchronous walk of every process on
 * the host would hold up the bot meanwhile.
 */

/** How many environ files a scan reads at once. */
const SCAN_CONCURRENCY = 8;

export interface ProcStat {
  /** `R`, `S`, `D`, `T`, `Z` (zombie) … */
  state: string;
  /** Process group id (field 5 of `/proc/<pid>/stat`). */
  pgid: number;
  /**
   * Start time in clock ticks since boot (field 22), as text: with the pid it names one process
   * for the life of the host, so a pid reused by another process is told apart.
   */
  startTime: string;
}

/** Parses `/proc/<pid>/stat`; the command name (field 2) may hold spaces and parentheses. */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  // After ") " come the fields from 3 (state) on: field n is at index n - 3.
  const fields = text
    .slice(close + 2)
    .trim()
    .split(' ');
  const state = fields[0];
  const pgid = Number(fields[2]);
  const startTime = fields[19];
  if (!state || !Number.isInteger(pgid) || !startTime || !/^\d+$/.test(startTime)) return undefined;
  return { state, pgid, startTime };
}

/** The stat of `pid`, or undefined when there is no such process (not even a zombie). */
export async function readProcStat(pid: number, procRoot = '/proc'): Promise<ProcStat | undefined> {
  try {
    return parseProcStat(await readFile(`${procRoot}/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The state letter of a process (`R`, `S`, `Z` for a zombie …), or undefined when there is none. */
export function processState(pid: number): string | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.state;
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc's times (USER_HZ): 100 on every Linux the bridge runs on. */
const TICKS_PER_SECOND = 100;

/** When `pid` started, in clock ticks since boot (field 22 of its stat), or undefined when it is gone. */
export function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

/** Now, in the clock ticks since boot that processStartTicks counts in; 0 where /proc is missing. */
export function uptimeTicks(): number {
  try {
    const seconds = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    return Number.isFinite(seconds) ? Math.floor(seconds * TICKS_PER_SECOND) : 0;
  } catch {
    return 0;
  }
}

/**
 * Live processes whose environment holds any of `entries` (`NAME=value` strings), grouped by entry,
 * each list sorted. A zombie is never found: the kernel shows an exited process's environ as empty.
 * Processes we may not read (other users') and processes gone meanwhile are skipped; no /proc is
 * an empty result. `procRoot` is for tests.
 */
export async function findProcessesByEnv(
  entries: readonly string[],
  procRoot = '/proc',
): Promise<Map<string, number[]>> {
  const found = new Map<string, number[]>(entries.map((entry) => [entry, []]));
  if (entries.length === 0) return found;
  let pids: string[];
  try {
    pids = (await readdir(procRoot)).filter((name) => /^\d+$/.test(name));
  } catch {
    return found;
  }
  const wanted = new Set(entries);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pids.length) {
      const pid = pids[next++] as string;
      try {
        const environ = await readFile(`${procRoot}/${pid}/environ`, 'utf8');
        const hit = environ.split('\0').find((entry) => wanted.has(entry));
        if (hit !== undefined) found.get(hit)?.push(Number(pid));
      } catch {
        // Gone meanwhile, or not ours to read.
      }
    }
  };
  await Promise.all(Array.from({ length: SCAN_CONCURRENCY }, worker));
  for (const list of found.values()) list.sort((a, b) => a - b);
  return found;
}

/** Live processes whose environment holds `name=value`, sorted (see `findProcessesByEnv`). */
export async function findProcessesWithEnv(
  name: string,
  value: string,
  procRoot = '/proc',
): Promise<number[]> {
  const entry = `${name}=${value}`;
  return (await findProcessesByEnv([entry], procRoot)).get(entry) ?? [];
}
