/** The start-up row: the bot's own share is its median less the runtime's, judged against 1 s. */
import { describe, expect, it } from 'vitest';
import { startupTable } from '../../bench/startup.ts';

const rowOf = (table: string, label: string) =>
  table.split('\n').find((line) => line.startsWith(label)) ?? '';

describe('startupTable', () => {
  it('judges the bot with sessions on disk by its median above the runtime alone', () => {
    const met = startupTable({
      trials: 3,
      runtime: [1000, 1100, 1200],
      noSessions: [1500],
      withSessions: [1800, 1900, 5000],
    });
    expect(rowOf(met, 'npm start, 200 sessions')).toMatch(/1900\s+5000\s+800\s+< 1000 ms\s+met/);
    const missed = startupTable({ trials: 1, runtime: [1000], noSessions: [1500], withSessions: [2100] });
    expect(rowOf(missed, 'npm start, 200 sessions')).toMatch(/1100\s+< 1000 ms\s+missed/);
    expect(rowOf(missed, 'node --import tsx')).not.toMatch(/met|missed/);
  });
});
