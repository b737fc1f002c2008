/**
 * Load, short form (issue 13, deliverable 4; `npm run bench` runs it at full size and prints the
 * timing): sessions each sent five messages at once while one chat sends a burst and another asks
 * /help, with the strict fake Telegram's flood limits on. Correctness only: every message answered,
 * in order per chat, no 429. Timing is the bench's.
 */
import { describe, expect, it } from 'vitest';
import { loadTable, runLoad } from './load-run.ts';

describe('load, short form', () => {
  it('answers every message, in order per chat, with no 429 from the strict fake', async () => {
    const result = await runLoad({ sessions: 3, perSession: 5, burstMessages: 10, burstSeconds: 2 });
    console.log(loadTable(result));
    expect(result.sent).toBe(25);
    expect(result.answered).toBe(25);
    expect(result.outOfOrder).toEqual([]);
    expect(result.tooMany).toBe(0);
    // /help was answered meanwhile (how fast is the bench's to say).
    expect(result.helpMs.length).toBeGreaterThan(0);
  }, 180_000);
});
