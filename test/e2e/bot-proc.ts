/**
 * The bot's own process as /proc shows it, for the load and soak runs and their benchmarks: its pid
 * (node running scripts/start.mjs under `npm start`), CPU time, resident memory (its children excluded)
 * and open file descriptors.
 */
import { readdir, readFile } from 'node:fs/promises';
import { descendantRunning } from '../../bench/process-memory.ts';
import { BOT_ENTRY, type World } from './harness.ts';

/** Clock ticks per second of /proc's times (USER_HZ): 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

/** The pid of the node process running the bot (npm start's child). */
export async function botPid(world: World): Promise<number> {
  const npm = world.bot?.child.pid;
  if (npm === undefined) throw new Error('the bot is not running');
  return descendantRunning(npm, BOT_ENTRY);
}

/** User plus system CPU time the process has used so far, in ms (fields 14 and 15 of stat). */
export async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After ") " the fields start at 3 (state): utime (14) is at index 11, stime (15) at 12.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** VmRSS of the process alone (not its children), in MB. */
export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) / 1024;
}

export interface RssParts {
  rss: number;
  /** The JS heap, malloc's memory, thread stacks. */
  anon: number;
  /** Pages of node's own binary and the libraries it maps. */
  file: number;
}

/** VmRSS and its anonymous and file-backed parts (RssAnon, RssFile), in MB. */
export async function rssParts(pid: number): Promise<RssParts> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) / 1024;
  return { rss: mb('VmRSS'), anon: mb('RssAnon'), file: mb('RssFile') };
}

/** How many file descriptors the process holds open. */
export async function openFds(pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`)).length;
}

export interface BotSample {
  cpuMs: number;
  rssMb: number;
  fds: number;
}

export async function sampleBot(pid: number): Promise<BotSample> {
  const [cpu, rss, fds] = await Promise.all([cpuMs(pid), rssMb(pid), openFds(pid)]);
  return { cpuMs: cpu, rssMb: rss, fds };
}
