/** The short chaos run (`npm run chaos` is the long one): nothing lost, nothing answered twice. */
import { describe, expect, it } from 'vitest';
import { chaosTable, runChaos } from './chaos-run.ts';

describe('chaos, short form', () => {
  it('with 20% of Telegram calls failing, Claude killed mid-turn and the bot SIGKILLed: lost 0, answered twice 0', async () => {
    const tally = await runChaos({ messages: 6, faultRate: 0.2 });
    console.log(chaosTable(tally));
    expect(tally).toMatchObject({ sent: 6, lost: 0, answeredTwice: 0 });
    expect(tally.answeredOnce + tally.told).toBe(6);
    expect(tally.telegramFaults).toBeGreaterThan(0);
  }, 300_000);
});
