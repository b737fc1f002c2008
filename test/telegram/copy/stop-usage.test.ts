import { describe, expect, it } from 'vitest';
import { NO_USAGE } from '../../../src/sessions/usage.ts';
import { heldCancelledText, stoppedText, usageLimitNotice } from '../../../src/telegram/copy/stop.ts';
import { formatTokens, sessionUsageLine, usageText } from '../../../src/telegram/copy/usage.ts';

describe('stop texts (SPEC.md)', () => {
  it('says what /stop did', () => {
    expect(stoppedText({ interrupted: false, dropped: 0 })).toBe('Nothing to stop.');
    expect(stoppedText({ interrupted: true, dropped: 0 })).toBe('Stopped.');
    expect(stoppedText({ interrupted: true, dropped: 2 })).toBe('Stopped. Dropped 2 queued message(s).');
    expect(heldCancelledText(3)).toBe('Cancelled. Dropped 3 held message(s).');
  });

  it('tells when a usage limit resets and what waits', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    const text = usageLimitNotice(
      { type: 'usage_limit', resetsAt: now + 125 * 60_000, resetKnown: true, held: 2, resending: true },
      now,
    );
    expect(text).toContain('It resets at 2025-06-01 14:05 UTC (in 2 h 5 min)');
    expect(text).toContain('(2) will be sent then');
  });
});

describe('usage texts', () => {
  it('lists each session and the total', () => {
    const used = { ...NO_USAGE, input_tokens: 12_345, output_tokens: 678, cost_usd: 0.0421, turns: 3 };
    const text = usageText(
      [
        { name: 'alpha', usage: used },
        { name: 'beta', usage: undefined },
      ],
      used,
    );
    expect(text).toContain('• alpha: 12.3k in, 678 out, 0 cache reads, $0.0421, 3 turns');
    expect(text).toContain('• beta: nothing yet');
    expect(text).toContain('Total: 12.3k in');
    expect(sessionUsageLine(used)).toBe('Usage: 12.3k in, 678 out, 0 cache reads, $0.0421, 3 turns');
    expect(formatTokens(4_500_000)).toBe('4.5M');
  });
});
