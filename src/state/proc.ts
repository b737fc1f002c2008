import { readdir, readFile } from 'node:fs/promises';

/**
 * Asynchronous Linux /proc readers for the record of child processes. Async on purpose: the start-up
 * reap and the scans for escaped tools walk every process on the host, and must not block the loop.
 */

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

/** True while `pid` runs; a zombie counts as gone (only its parent can reap it). */
export async function isRunning(pid: number, procRoot = '/proc'): Promise<boolean> {
  const stat = await readProcStat(pid, procRoot);
  return stat !== undefined && stat.state !== 'Z';
}

/**
 * Live processes whose environment holds any of `entries` (`NAME=value` strings), grouped by entry.
 * Processes we may not read (other users') and processes gone meanwhile are skipped.
 */
export async function findProcessesByEnv(
  entries: readonly string[],
  procRoot = '/proc',
): Promise<Map<string, number[]>> {
  const found = new Map<string, number[]>(entries.map((entry) => [entry, []]));
  if (entries.length === 0) return found;
  let names: string[];
  try {
    names = await readdir(procRoot);
  } catch {
    return found;
  }
  const wanted = new Set(entries);
  const pids = names.filter((name) => /^\d+$/.test(name)).map(Number);
  await Promise.all(
    pids.map(async (pid) => {
      let environ: string;
      try {
        environ = await readFile(`${procRoot}/${pid}/environ`, 'utf8');
      } catch {
        return;
      }
      const hit = environ.split('\0').find((entry) => wanted.has(entry));
      if (hit !== undefined && (await isRunning(pid, procRoot))) found.get(hit)?.push(pid);
    }),
  );
  return found;
}
