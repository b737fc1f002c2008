import { readdir, readFile } from 'node:fs/promises';

/** How many /proc files are read at once. */
const READ_CONCURRENCY = 8;

async function mapLimited<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: READ_CONCURRENCY }, worker));
  return results;
}

/** The parent pid of every process (from `/proc/<pid>/stat`); empty where /proc is missing. */
async function parentsOf(procRoot: string): Promise<Map<number, number>> {
  let entries: string[];
  try {
    entries = (await readdir(procRoot)).filter((entry) => /^\d+$/.test(entry));
  } catch {
    return new Map();
  }
  const parents = new Map<number, number>();
  await mapLimited(entries, async (entry) => {
    try {
      const stat = await readFile(`${procRoot}/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (Number.isFinite(ppid)) parents.set(Number(entry), ppid);
    } catch {
      // Gone meanwhile.
    }
  });
  return parents;
}

/** VmRSS of one process in bytes; 0 for a process that is gone or has none (a zombie). */
async function rssOf(pid: number, procRoot: string): Promise<number> {
  try {
    const status = await readFile(`${procRoot}/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? 0 : Number(kb) * 1024;
  } catch {
    return 0;
  }
}

/**
 * Resident memory (bytes) of `pids` and all their descendants, each process counted once.
 * Asynchronous and a few reads at a time, so a host with many processes does not hold up the bot.
 * `procRoot` is for tests.
 */
export async function residentMemoryOf(pids: number[], procRoot = '/proc'): Promise<number> {
  if (pids.length === 0) return 0;
  const parents = await parentsOf(procRoot);
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const tree = new Set<number>();
  const pending = [...pids];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    if (tree.has(pid)) continue;
    tree.add(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  const sizes = await mapLimited([...tree], (pid) => rssOf(pid, procRoot));
  return sizes.reduce((sum, size) => sum + size, 0);
}
