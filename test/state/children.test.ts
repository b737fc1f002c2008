import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findProcessesByEnv, readProcStat } from '../../src/claude/proc-scan.ts';
import { PROCESS_MARKER_ENV } from '../../src/claude/spawn.ts';
import { ChildRegistry } from '../../src/state/children.ts';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let stateDir: string;
const started: ChildProcess[] = [];

beforeEach(async () => {
  stateDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'children-')), 'state');
});

afterEach(async () => {
  for (const child of started.splice(0)) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }
  }
  await rm(path.dirname(stateDir), { recursive: true, force: true });
});

const registry = () => new ChildRegistry({ stateDir, markerEnv: PROCESS_MARKER_ENV, logger });

/** A process started as spawn.ts starts Claude Code: its own group, the marker in its environment. */
function startMarked(script: string): { child: ChildProcess; marker: string; exited: Promise<unknown> } {
  const marker = randomUUID();
  const child = spawn('sh', ['-c', script], {
    env: { ...process.env, [PROCESS_MARKER_ENV]: marker },
    stdio: 'ignore',
    detached: true,
  });
  started.push(child);
  const exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return { child, marker, exited };
}

async function marked(marker: string): Promise<number[]> {
  const found = await findProcessesByEnv([`${PROCESS_MARKER_ENV}=${marker}`]);
  return found.get(`${PROCESS_MARKER_ENV}=${marker}`) ?? [];
}

/** Marked processes that left `leader`'s process group (the `setsid sleep`), once they have. */
async function escapedFrom(marker: string, leader: number): Promise<number[]> {
  const stats = await Promise.all(
    (await marked(marker)).map(async (pid) => ({ pid, stat: await readProcStat(pid) })),
  );
  return stats.filter(({ stat }) => stat !== undefined && stat.pgid !== leader).map(({ pid }) => pid);
}

async function until(look: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await look())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

async function recordOnDisk(): Promise<Array<{ pid: number }>> {
  return JSON.parse(await readFile(path.join(stateDir, 'children.json'), 'utf8')).children;
}

describe('ChildRegistry', () => {
  it('records pid, start time, group and marker on disk, and forgets the child once it exits', async () => {
    const { child, marker, exited } = startMarked('sleep 600');
    const pid = child.pid as number;
    const children = registry();

    const outcome = await children.track({ pid, marker, exited }, 'alpha');

    const stat = await readProcStat(pid);
    expect(outcome).toMatchObject({ kind: 'recorded' });
    expect(await recordOnDisk()).toEqual([
      {
        pid,
        start_time: stat?.startTime,
        pgid: pid,
        marker,
        session: 'alpha',
        recorded_at: expect.any(String),
      },
    ]);

    process.kill(-pid, 'SIGTERM');
    await exited;
    await until(async () => (await recordOnDisk()).length === 0);
    expect(children.recorded()).toEqual([]);
  });

  it('keeps the record while a tool that escaped outlives the child, for the next start to reap', async () => {
    const { child, marker, exited } = startMarked('setsid sleep 600 & sleep 600');
    await until(async () => (await escapedFrom(marker, child.pid as number)).length === 1);
    const children = new ChildRegistry({
      stateDir,
      markerEnv: PROCESS_MARKER_ENV,
      logger,
      toolsSettleMs: 300,
    });
    await children.track({ pid: child.pid as number, marker, exited });

    process.kill(-(child.pid as number), 'SIGKILL');
    await exited;
    await sleep(800);

    expect((await recordOnDisk()).map((record) => record.pid)).toEqual([child.pid]);
    const report = await registry().reapLeftovers({ graceMs: 2_000 });
    expect(report.ended).toHaveLength(1);
    expect(await marked(marker)).toEqual([]);
  });

  it('after a SIGKILLed bot, ends the recorded process, its group and the tools that escaped it (setsid)', async () => {
    const { child, marker, exited } = startMarked('setsid sleep 600 & sleep 600');
    await until(async () => (await escapedFrom(marker, child.pid as number)).length === 1);
    await until(async () => (await marked(marker)).length === 3);
    const pids = await marked(marker);
    await registry().add({ pid: child.pid as number, marker });
    // The bot dies here: nothing removes the record. The next instance starts.

    const report = await registry().reapLeftovers({ graceMs: 2_000 });

    expect(report.recorded).toBe(1);
    expect(report.reused).toEqual([]);
    expect(report.killed).toEqual([]);
    expect(report.survivors).toEqual([]);
    expect([...report.ended].sort()).toEqual([...pids].sort());
    expect(await marked(marker)).toEqual([]);
    expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
    // Nothing left, not even a zombie: the escaped `sleep` was re-parented and reaped.
    await until(async () => (await Promise.all(pids.map((pid) => readProcStat(pid)))).every((s) => !s));
    expect(await recordOnDisk()).toEqual([]);
  });

  it('sends SIGKILL to what ignores SIGTERM, after the grace period', async () => {
    const { child, marker, exited } = startMarked('trap "" TERM; sleep 600 & wait');
    await until(async () => (await marked(marker)).length >= 2);
    await registry().add({ pid: child.pid as number, marker });

    const report = await registry().reapLeftovers({ graceMs: 200 });

    expect(report.ended).toEqual([]);
    expect(report.killed).toHaveLength(2);
    expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await marked(marker)).toEqual([]);
  });

  it('leaves alone a process that reused a recorded pid (another start time)', async () => {
    // An unrelated process, in a group of its own, without the marker.
    const bystander = spawn('sleep', ['600'], { stdio: 'ignore', detached: true });
    started.push(bystander);
    const pid = bystander.pid as number;
    const stat = await readProcStat(pid);
    await writeFile(
      path.join(await mkdirp(stateDir), 'children.json'),
      JSON.stringify({
        version: 1,
        children: [
          {
            pid,
            start_time: String(Number(stat?.startTime) - 1),
            pgid: pid,
            marker: randomUUID(),
            recorded_at: new Date().toISOString(),
          },
        ],
      }),
    );

    const report = await registry().reapLeftovers({ graceMs: 200 });

    expect(report.reused).toEqual([pid]);
    expect(report.ended).toEqual([]);
    expect(report.killed).toEqual([]);
    await sleep(300);
    expect((await readProcStat(pid))?.state).not.toBe('Z');
    expect(bystander.exitCode).toBeNull();
    expect(bystander.signalCode).toBeNull();
    expect(await recordOnDisk()).toEqual([]);
  });

  it('skips a recorded process that is gone, and still ends its marked tools', async () => {
    const { child, marker } = startMarked('setsid sleep 600 & sleep 600');
    await until(async () => (await escapedFrom(marker, child.pid as number)).length === 1);
    await registry().add({ pid: child.pid as number, marker });
    // The Claude Code process itself died (OOM); the tool it started in a session of its own lives on.
    const leader = child.pid as number;
    const exited = new Promise((resolve) => child.once('close', resolve));
    process.kill(-leader, 'SIGKILL');
    await exited;
    await until(async () => (await marked(marker)).length === 1);
    const [escaped] = await marked(marker);

    const report = await registry().reapLeftovers({ graceMs: 2_000 });

    expect(report.ended).toEqual([escaped]);
    expect(await marked(marker)).toEqual([]);
  });

  it('reports a corrupted record, ignores it, and records afresh', async () => {
    await writeFile(
      path.join(await mkdirp(stateDir), 'children.json'),
      '{"version": 1, "children": [{"pid": "x"',
    );
    const children = registry();

    const report = await children.reapLeftovers();

    expect(report.corrupted).toMatch(/not valid JSON/);
    expect(report.recorded).toBe(0);
    expect(await recordOnDisk()).toEqual([]);
    const { child, marker } = startMarked('sleep 600');
    await children.add({ pid: child.pid as number, marker });
    expect((await recordOnDisk()).map((record) => record.pid)).toEqual([child.pid]);
  });

  it('with no record at all, does nothing and writes nothing', async () => {
    const report = await registry().reapLeftovers();
    expect(report).toEqual({ recorded: 0, ended: [], killed: [], reused: [], survivors: [] });
    await expect(readFile(path.join(stateDir, 'children.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps every child when several are recorded and removed at once', async () => {
    const children = registry();
    const processes = [1, 2, 3, 4].map(() => startMarked('sleep 600'));
    await Promise.all(
      processes.map(({ child, marker }) => children.add({ pid: child.pid as number, marker })),
    );
    expect((await recordOnDisk()).map((r) => r.pid).sort()).toEqual(processes.map((p) => p.child.pid).sort());
    await Promise.all([
      children.remove(processes[0]?.child.pid as number),
      children.remove(processes[2]?.child.pid as number),
    ]);
    expect((await recordOnDisk()).map((r) => r.pid).sort()).toEqual(
      [processes[1]?.child.pid, processes[3]?.child.pid].sort(),
    );
  });
});

async function mkdirp(dir: string): Promise<string> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  return dir;
}
