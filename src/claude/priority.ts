import { readdirSync, writeFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import type { Logger } from '../logging.ts';

/**
 * How much nicer than the bot every Claude Code process runs (its tools inherit it): Claude and the
 * builds it runs take what CPU is left, and the bot keeps answering (a /help while 20 sessions work).
 */
export const CLAUDE_NICENESS = 10;

/** The kernel takes one autogroup change per 100 ms from a user without CAP_SYS_ADMIN (EAGAIN meanwhile). */
const AUTOGROUP_RETRY_MS = 110;
const AUTOGROUP_ATTEMPTS = 60;

export type AutogroupWriter = (pid: number, niceness: number) => void;

const writeAutogroup: AutogroupWriter = (pid, niceness) =>
  writeFileSync(`/proc/${pid}/autogroup`, String(niceness));

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function errorCode(error: unknown): unknown {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Makes a just-started process `niceness` steps nicer than the bot (a bot run at 5 starts Claude at
 * 15), at most 19: every thread it has already started (niceness is per thread on Linux; threads
 * started later inherit it), and its autogroup. Detached, the process is a session of its own and
 * so, on a kernel with autogroups (most distributions), a scheduling group of its own, which shares
 * the CPU equally with the bot's whatever its threads' niceness. Resolves once done or given up;
 * never throws (a process already gone, no /proc, a system that refuses: it runs as it is).
 */
export async function lowerPriority(
  pid: number,
  niceness: number,
  log: Logger,
  write: AutogroupWriter = writeAutogroup,
): Promise<void> {
  const target = Math.min(19, getPriority() + niceness);
  try {
    setPriority(pid, target);
    for (const task of readdirSync(`/proc/${pid}/task`))
      if (Number(task) !== pid) setPriority(Number(task), target);
  } catch (error) {
    log.debug({ err: error }, 'claude process priority not lowered');
    return;
  }
  for (let attempt = 1; ; attempt++) {
    try {
      write(pid, target);
      return;
    } catch (error) {
      if (errorCode(error) !== 'EAGAIN' || attempt >= AUTOGROUP_ATTEMPTS) {
        // ENOENT: no autogroups here; ESRCH: already gone. Anything else is worth a word.
        const quiet = errorCode(error) === 'ENOENT' || errorCode(error) === 'ESRCH';
        log[quiet ? 'debug' : 'warn']({ err: error }, 'claude process scheduling group not made nicer');
        return;
      }
      // Another process's change took this 100 ms: several CLIs starting at once each get their turn.
      await sleep(AUTOGROUP_RETRY_MS + Math.random() * 40);
    }
  }
}
