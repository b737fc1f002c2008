import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLAUDE_NICENESS } from '../../src/claude/priority.ts';
import { findProcessesWithEnv, processState } from '../../src/claude/proc-scan.ts';
import { PROCESS_MARKER_ENV, spawnClaudeCode } from '../../src/claude/spawn.ts';
import { testLogger, until } from './world.ts';

function start(script: string) {
  return spawnClaudeCode(
    { command: 'bash', args: ['-c', script], env: { ...process.env }, signal: new AbortController().signal },
    { logger: testLogger() },
  );
}

/** Field 19 of /proc/<pid>/stat: the scheduling niceness. */
function niceness(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe('spawnClaudeCode', () => {
  it('starts Claude Code at a lower CPU priority than the bot, and what it runs inherits it', async () => {
    // The tool starts a moment later, as Claude Code's tools do.
    const handle = start('sleep 0.3; sleep 31 & wait');
    const pid = handle.pid;
    if (pid === undefined) throw new Error('no pid');
    // A process found a moment ago (the first `sleep`) may be gone by the time its cmdline is read.
    const isTool = (other: number) => {
      try {
        return readFileSync(`/proc/${other}/cmdline`, 'utf8') === 'sleep\x0031\x00';
      } catch {
        return false;
      }
    };
    let tool: number | undefined;
    await until(async () => {
      tool = (await findProcessesWithEnv(PROCESS_MARKER_ENV, handle.marker)).find(isTool);
      return tool !== undefined;
    });
    const bot = niceness(process.pid);
    expect(niceness(pid)).toBe(Math.min(19, bot + CLAUDE_NICENESS));
    expect(niceness(pid)).toBeGreaterThan(Math.min(bot, 18));
    expect(niceness(tool as number)).toBe(niceness(pid));
    // Its own session is its own scheduling group where the kernel has them: nicer too.
    if (existsSync('/proc/self/autogroup'))
      expect(readFileSync(`/proc/${pid}/autogroup`, 'utf8')).toContain(`nice ${niceness(pid)}`);
    await handle.terminate(1000);
  });

  it('runs the child in its own process group, marked in its environment', async () => {
    const handle = start('sleep 30');
    const pid = handle.pid;
    if (pid === undefined) throw new Error('no pid');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    expect(pgrp).toBe(pid);
    expect(pgrp).not.toBe(process.pid);
    expect(await findProcessesWithEnv(PROCESS_MARKER_ENV, handle.marker)).toContain(pid);
    await handle.terminate(1000);
  });

  it('terminate() also ends descendants that left the process group, and reaps the child', async () => {
    // `setsid` is what Claude Code's Bash tool does for each command.
    const handle = start('setsid sleep 30 & sleep 30');
    const pid = handle.pid;
    if (pid === undefined) throw new Error('no pid');
    await until(async () => (await findProcessesWithEnv(PROCESS_MARKER_ENV, handle.marker)).length >= 3);

    await handle.terminate(1000);

    expect(handle.hasExited).toBe(true);
    expect(processState(pid)).toBeUndefined();
    expect(await findProcessesWithEnv(PROCESS_MARKER_ENV, handle.marker)).toEqual([]);
    expect(await handle.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('sends SIGKILL after the grace period when SIGTERM is ignored', async () => {
    const handle = start('trap "" TERM; sleep 30 & wait');
    await until(async () => (await findProcessesWithEnv(PROCESS_MARKER_ENV, handle.marker)).length >= 2);

    await handle.terminate(200);

    expect(await handle.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await findProcessesWithEnv(PROCESS_MARKER_ENV, handle.marker)).toEqual([]);
  });

  it('reports a missing executable as an exit, without throwing', async () => {
    const handle = spawnClaudeCode(
      { command: '/nonexistent/claude', args: [], env: {}, signal: new AbortController().signal },
      { logger: testLogger() },
    );
    handle.child.on('error', () => {});
    expect(await handle.exited).toEqual({ code: null, signal: null });
    await handle.terminate(100);
  });
});
