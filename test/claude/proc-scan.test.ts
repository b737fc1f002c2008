import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  findProcessesByEnv,
  findProcessesWithEnv,
  parseProcStat,
  processState,
  readProcStat,
} from '../../src/claude/proc-scan.ts';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A /proc look-alike: a directory per pid with its environ, NUL-separated as the kernel writes it. */
function fakeProc(processes: Record<number, string[]>, extraEntries: string[] = []): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'proc-scan-'));
  roots.push(root);
  for (const [pid, env] of Object.entries(processes)) {
    mkdirSync(path.join(root, pid));
    writeFileSync(path.join(root, pid, 'environ'), `${env.join('\0')}\0`);
  }
  for (const entry of extraEntries) mkdirSync(path.join(root, entry));
  return root;
}

describe('findProcessesWithEnv', () => {
  it('finds the processes that carry the exact variable, skipping other entries and unreadable ones', async () => {
    const root = fakeProc(
      {
        10: ['HOME=/root', 'MARK=abc'],
        11: ['MARK=abcd'],
        12: ['MARK=abc'],
        13: ['OTHER=MARK=abc'],
      },
      ['self', 'sys', '14'], // 14: gone meanwhile, no environ left to read
    );
    expect(await findProcessesWithEnv('MARK', 'abc', root)).toEqual([10, 12]);
  });

  it('is empty where there is no /proc', async () => {
    expect(await findProcessesWithEnv('MARK', 'abc', '/nonexistent/proc')).toEqual([]);
  });

  it('lets the event loop run while it scans a busy /proc, instead of holding it for the whole scan', async () => {
    const processes: Record<number, string[]> = {};
    for (let pid = 1; pid <= 400; pid += 1) processes[pid] = [`PATH=/usr/bin`, `N=${pid}`, 'x'.repeat(2000)];
    const root = fakeProc(processes);

    let turns = 0;
    let scanning = true;
    const tick = (): void => {
      turns += 1;
      if (scanning) setImmediate(tick);
    };
    setImmediate(tick);
    const found = await findProcessesWithEnv('N', '400', root);
    scanning = false;

    expect(found).toEqual([400]);
    // The timers, Telegram's updates and Claude's output of the bot got their turns meanwhile.
    expect(turns).toBeGreaterThan(1);
  });
});

describe('findProcessesByEnv', () => {
  it('looks up several markers in one pass, grouped by marker, with an empty list for one not found', async () => {
    const root = fakeProc({
      20: ['MARK=a'],
      21: ['MARK=b', 'HOME=/root'],
      22: ['MARK=a'],
      23: [''], // a zombie: the kernel shows its environ as empty
    });
    const found = await findProcessesByEnv(['MARK=a', 'MARK=b', 'MARK=c'], root);
    expect(Object.fromEntries(found)).toEqual({ 'MARK=a': [20, 22], 'MARK=b': [21], 'MARK=c': [] });
  });
});

describe('parseProcStat', () => {
  it('reads state, process group and start time, whatever the command name holds', () => {
    const rest = 'S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10';
    expect(parseProcStat(`4242 (sleep) ${rest}`)).toEqual({ state: 'S', pgid: 4242, startTime: '987654' });
    expect(parseProcStat(`4242 (a) b (c) d) ${rest}`)).toEqual({
      state: 'S',
      pgid: 4242,
      startTime: '987654',
    });
  });

  it('refuses text that is not a stat line', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('4242 (sleep) S 1')).toBeUndefined();
  });

  it('reads this very process from /proc', async () => {
    const stat = await readProcStat(process.pid);
    expect(stat?.state).toMatch(/^[RS]$/);
    expect(stat?.startTime).toMatch(/^\d+$/);
    expect(await readProcStat(2 ** 22 + 1)).toBeUndefined();
  });
});

describe('processState', () => {
  it("reads a live process's state, and nothing for a pid that does not exist", () => {
    expect(['R', 'S']).toContain(processState(process.pid));
    expect(processState(2 ** 30)).toBeUndefined();
  });
});
