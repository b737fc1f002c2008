import type { CheckResult } from './check.ts';

const ICONS: Record<CheckResult['status'], string> = { ok: '✅', warn: '⚠️ ', fail: '❌' };

/** The doctor's report: one row per check, the fix under each problem, a verdict at the end. */
export function formatReport(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((result) => result.name.length));
  const rows = results.flatMap((result) => {
    const row = `${ICONS[result.status]} ${result.name.padEnd(width)}  ${result.detail}`;
    return result.fix && result.status !== 'ok'
      ? [row, `   ${' '.repeat(width)}  fix: ${result.fix}`]
      : [row];
  });
  const failures = results.filter((result) => result.status === 'fail').length;
  const warnings = results.filter((result) => result.status === 'warn').length;
  const verdict =
    failures > 0
      ? `The bot cannot run: ${failures} ${failures === 1 ? 'problem' : 'problems'} to fix (❌).`
      : warnings > 0
        ? `The bot can run; ${warnings} ${warnings === 1 ? 'warning' : 'warnings'} (⚠️) cost a feature.`
        : 'The bot can run: everything checked is right.';
  return [...rows, '', verdict].join('\n');
}
