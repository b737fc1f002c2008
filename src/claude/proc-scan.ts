import { readdirSync, readFileSync } from 'node:fs';

/**
 * Linux /proc helpers. Claude Code's Bash tool runs each command in its own session, so a
 * background `sleep` escapes the process group of the `claude` process and is re-parented to
 * PID 1 once its shell returns. What it cannot shed is its environment: every descendant carries
 * the marker variable the bridge set on the `claude` process, and that is how it is found.
 */

/** The state letter of a process (`R`, `S`, `Z` for a zombie …), or undefined when there is none. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/** Live (non-zombie) processes whose environment holds `name=value`. Empty where /proc is missing. */
export function findProcessesWithEnv(name: string, value: string): number[] {
  const needle = `${name}=${value}`;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (environ.split('\0').includes(needle)) found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}
