import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { residentMemoryOf } from '../../src/claude/proc-memory.ts';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A fake /proc: pid → [ppid, rss in kB or undefined for a zombie]. */
function fakeProc(processes: Record<number, [number, number | undefined]>): string {
  root = mkdtempSync(path.join(os.tmpdir(), 'proc-'));
  for (const [pid, [ppid, kb]] of Object.entries(processes)) {
    mkdirSync(path.join(root, pid));
    writeFileSync(path.join(root, pid, 'stat'), `${pid} (some (odd) name) S ${ppid} ${pid} 0`);
    writeFileSync(
      path.join(root, pid, 'status'),
      kb === undefined ? 'Name: x\n' : `Name: x\nVmRSS:\t ${kb} kB\n`,
    );
  }
  return root;
}

describe('residentMemoryOf', () => {
  it('adds up the processes and all their descendants, once each, and nothing else', async () => {
    const proc = fakeProc({
      1: [0, 5000],
      10: [1, 100],
      11: [10, 20],
      12: [11, 3],
      13: [12, undefined],
      20: [1, 999],
    });
    expect(await residentMemoryOf([10, 11], proc)).toBe((100 + 20 + 3) * 1024);
    expect(await residentMemoryOf([], proc)).toBe(0);
  });

  it('measures this test process on the real /proc', async () => {
    expect(await residentMemoryOf([process.pid])).toBeGreaterThan(10 * 1024 * 1024);
  });
});
