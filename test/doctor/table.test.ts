import { describe, expect, it } from 'vitest';
import { fail, ok, warn } from '../../src/doctor/check.ts';
import { formatReport } from '../../src/doctor/table.ts';

describe('formatReport', () => {
  it('aligns the rows, puts the fix under each problem, and ends with the verdict', () => {
    const report = formatReport([
      ok('Settings', 'valid'),
      fail('Telegram', 'Telegram rejected TELEGRAM_BOT_TOKEN (HTTP 401)', 'copy the token from @BotFather'),
      warn('ICMP ping', 'not permitted', 'allow it'),
    ]);
    expect(report.split('\n')).toEqual([
      '✅ Settings   valid',
      '❌ Telegram   Telegram rejected TELEGRAM_BOT_TOKEN (HTTP 401)',
      '              fix: copy the token from @BotFather',
      '⚠️  ICMP ping  not permitted',
      '              fix: allow it',
      '',
      'The bot cannot run: 1 problem to fix (❌).',
    ]);
  });

  it('says the bot can run when only warnings are left, or nothing at all', () => {
    expect(formatReport([ok('A', 'x'), warn('B', 'y', 'z'), warn('C', 'y', 'z')])).toMatch(
      /The bot can run; 2 warnings \(⚠️\) cost a feature\.$/,
    );
    expect(formatReport([ok('A', 'x')])).toMatch(/The bot can run: everything checked is right\.$/);
  });
});
