import { describe, expect, it } from 'vitest';
import { endInterruptedTools } from '../../src/claude/interrupt.ts';

/** A fake process table: pid → start ticks; a signal ends the process when `dies` says so. */
function table(processes: Record<number, number>, dies: (signal: NodeJS.Signals) => boolean) {
  const alive = new Map(Object.entries(processes).map(([pid, ticks]) => [Number(pid), ticks]));
  const signals: string[] = [];
  return {
    signals,
    alive,
    deps: {
      find: async () => [...alive.keys()],
      startTicks: (pid: number) => alive.get(pid),
      signal: (pid: number, signal: NodeJS.Signals) => {
        signals.push(`${pid} ${signal}`);
        if (dies(signal)) alive.delete(pid);
      },
      settleMs: 0,
      graceMs: 100,
    },
  };
}

describe('endInterruptedTools', () => {
  it('ends only what the turn started, never claude itself or what ran before the turn', async () => {
    // 10: claude; 11: an MCP server from start-up; 20, 21: the turn's bash and sleep.
    const procs = table({ 10: 100, 11: 101, 20: 500, 21: 501 }, () => true);
    const signalled = await endInterruptedTools({ marker: 'm', claudePid: 10, sinceTicks: 400 }, procs.deps);
    expect(signalled).toEqual([20, 21]);
    expect(procs.signals).toEqual(['20 SIGTERM', '21 SIGTERM']);
    expect([...procs.alive.keys()]).toEqual([10, 11]);
  });

  it('kills what ignores SIGTERM', async () => {
    const procs = table({ 10: 100, 20: 500 }, (signal) => signal === 'SIGKILL');
    await endInterruptedTools({ marker: 'm', claudePid: 10, sinceTicks: 400 }, procs.deps);
    expect(procs.signals).toEqual(['20 SIGTERM', '20 SIGKILL']);
  });

  it('signals nothing when Claude Code already ended them', async () => {
    const procs = table({ 10: 100 }, () => true);
    expect(await endInterruptedTools({ marker: 'm', claudePid: 10, sinceTicks: 400 }, procs.deps)).toEqual(
      [],
    );
    expect(procs.signals).toEqual([]);
  });
});
