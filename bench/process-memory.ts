/**
 * A process's memory from /proc/<pid>/status, and its peak while some work runs: VmHWM reset through
 * /proc/<pid>/clear_refs (our own processes only), with VmRSS sampled every few ms as well.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { delay } from '../test/e2e/harness.ts';

const SAMPLE_EVERY_MS = 2;

/** VmRSS and VmHWM of a process, in MB. */
export async function memoryOf(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** The descendant of `ancestor` (within a few generations) whose command line contains `marker`. */
export async function descendantRunning(ancestor: number, marker: string): Promise<number> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …; comm may hold spaces, so read past the last ')'.
    parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  const descends = (pid: number): boolean => {
    for (let at = pid, hops = 0; at > 1 && hops < 10; at = parents.get(at) ?? 0, hops++)
      if (at === ancestor) return true;
    return false;
  };
  for (const pid of parents.keys()) {
    if (!descends(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) return pid;
  }
  throw new Error(`no process running ${marker} under ${ancestor}`);
}

export interface PeakRss {
  /** The lowest of three reads just before the work. */
  idleMb: number;
  peakMb: number;
  /** VmHWM once clear_refs could reset it; else the VmRSS samples alone. */
  from: 'VmHWM' | 'VmRSS samples';
}

/** The process's peak RSS while `work` runs, beside its idle RSS just before. */
export async function peakRssDuring(pid: number, work: () => Promise<unknown>): Promise<PeakRss> {
  const reads = await Promise.all([0, 1, 2].map(() => memoryOf(pid)));
  const idleMb = Math.min(...reads.map((read) => read.rss));
  const resettable = await writeFile(`/proc/${pid}/clear_refs`, '5').then(
    () => true,
    () => false,
  );
  let sampled = idleMb;
  let working = true;
  const sampling = (async () => {
    while (working) {
      sampled = Math.max(sampled, (await memoryOf(pid)).rss);
      await delay(SAMPLE_EVERY_MS);
    }
  })();
  try {
    await work();
  } finally {
    working = false;
    await sampling;
  }
  const { hwm } = await memoryOf(pid);
  return resettable
    ? { idleMb, peakMb: Math.max(hwm, sampled), from: 'VmHWM' }
    : { idleMb, peakMb: sampled, from: 'VmRSS samples' };
}
