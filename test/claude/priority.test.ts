/** Claude Code's lower CPU priority: every thread of the process, and its scheduling group, retried while the kernel says EAGAIN. */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CLAUDE_NICENESS, lowerPriority } from '../../src/claude/priority.ts';

/** Field 19 of /proc/<pid>/task/<tid>/stat: the thread's niceness. */
function threadNiceness(pid: number, tid: string): number {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

function failure(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

const target = () => Math.min(19, getPriority() + CLAUDE_NICENESS);

describe('lowerPriority', () => {
  it('makes every thread the process already runs nicer, not only its first', async () => {
    // node runs several threads (its platform workers) from the start, as Claude Code does.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)'], { stdio: 'ignore' });
    const pid = child.pid as number;
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const threads = readdirSync(`/proc/${pid}/task`);
      expect(threads.length).toBeGreaterThan(1);
      await lowerPriority(pid, CLAUDE_NICENESS, pino({ level: 'silent' }), () => undefined);
      expect(threads.map((tid) => threadNiceness(pid, tid))).toEqual(threads.map(() => target()));
    } finally {
      child.kill('SIGKILL');
    }
  });

  it("retries the scheduling group while the kernel takes another process's change (EAGAIN)", async () => {
    const writes: Array<[number, number]> = [];
    const write = (pid: number, niceness: number) => {
      writes.push([pid, niceness]);
      if (writes.length < 3) throw failure('EAGAIN');
    };
    await lowerPriority(process.pid, 0, pino({ level: 'silent' }), write);
    expect(writes).toEqual([
      [process.pid, getPriority()],
      [process.pid, getPriority()],
      [process.pid, getPriority()],
    ]);
  });

  it('gives up on the scheduling group at once on any other refusal, with a warning', async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => warnings.push(line) });
    let writes = 0;
    await lowerPriority(process.pid, 0, logger, () => {
      writes += 1;
      throw failure('EPERM');
    });
    expect(writes).toBe(1);
    expect(warnings.join('')).toContain('scheduling group not made nicer');
  });
});
