import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

/**
 * Linux /proc helpers. Claude Code's Bash tool runs each command in its own session, so a
 * background `sleep` escapes the process group of the `claude` process and is re-parented to
 * PID 1 once its shell returns. What it cannot shed is its environment: every descendant carries
 * the marker variable the bridge set on the `claude` process, and that is how it is found.
 */

/** How many environ files a scan reads at once. */
const SCAN_CONCURRENCY = 8;

/** The state letter of a process (`R`, `S`, `Z` for a zombie …), or undefined when there is none. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
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
 * Live (non-zombie) processes whose environment holds `name=value`. Empty where /proc is missing. Asynchronous,
 * a few reads at a time: it runs every few milliseconds while a killed process's tools linger,
 * and a synchronous walk of every process on the host would hold up the bot meanwhile.
 * `procRoot` is for tests.
 */
export async function findProcessesWithEnv(
  name: string,
  value: string,
  procRoot = '/proc',
): Promise<number[]> {
  const needle = `${name}=${value}`;
  let entries: string[];
  try {
    entries = (await readdir(procRoot)).filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  const found: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const entry = entries[next++] as string;
      try {
        const environ = await readFile(`${procRoot}/${entry}/environ`, 'utf8');
        if (environ.split('\0').includes(needle)) found.push(Number(entry));
      } catch {
        // Gone meanwhile, or not ours to read.
      }
    }
  };
  await Promise.all(Array.from({ length: SCAN_CONCURRENCY }, worker));
  return found.sort((a, b) => a - b);
}
