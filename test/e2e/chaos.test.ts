/** The short chaos run (`npm run chaos` is the long one): nothing lost, nothing answered twice. */
import { describe, expect, it } from 'vitest';
import { chaosTable, runChaos } from './chaos-run.ts';

describe('chaos, short form', () => {
  it('with Telegram failing, kills, a read-only and a full DATA_DIR, damaged files and a 529 outage: lost 0, answered twice 0', async () => {
    const tally = await runChaos({
      messages: 6,
      faultRate: 0.2,
      overloadMs: 5_000,
      modelRetries: 6,
      progress: (line) => console.log(line),
    });
    console.log(chaosTable(tally));
    expect(tally.problems).toEqual([]);
    expect(tally.total).toMatchObject({ lost: 0, answeredTwice: 0 });
    expect(tally.total.answeredOnce + tally.total.told).toBe(tally.total.sent);
    expect(tally.rows.map((row) => row.sent)).toEqual([6, 2, 2, 2, 2, 3]);
    expect(tally.telegramFaults).toBeGreaterThan(0);
    expect(tally.overloadAnswers).toBeGreaterThan(0);
  }, 600_000);
});
