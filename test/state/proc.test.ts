import { describe, expect, it } from 'vitest';
import { parseProcStat, readProcStat } from '../../src/state/proc.ts';

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
