/** The soak run's table (soak-run.ts): what a run left behind against its targets, and where its time went. */
import { formatTable } from '../../bench/table.ts';
import type { SoakResult } from './soak-run.ts';

export function soakTable(result: SoakResult): string {
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  return formatTable(
    [
      { title: '' },
      { title: 'start', align: 'right' },
      { title: 'end', align: 'right' },
      { title: 'target' },
      { title: '' },
    ],
    [
      ['zombies', '', String(result.zombies), '0', met(result.zombies === 0)],
      [
        'orphans (processes left but the bot)',
        '',
        String(result.leftovers.length),
        '0',
        met(result.leftovers.length === 0),
      ],
      [
        'DATA_DIR inconsistencies',
        '',
        String(result.inconsistencies.length),
        '0',
        met(result.inconsistencies.length === 0),
      ],
      ['bot open file descriptors', String(result.start.fds), String(result.end.fds), 'bounded', ''],
      ['bot RSS (MB)', result.start.rssMb.toFixed(0), result.end.rssMb.toFixed(0), 'bounded', ''],
      [
        `time (s), per cycle (s), ${result.lanes} ${result.lanes === 1 ? 'chat' : 'chats at once'}`,
        '',
        `${(result.wallMs / 1000).toFixed(0)}, ${(result.wallMs / 1000 / result.cycles).toFixed(1)}`,
        '',
        '',
      ],
      ...[...result.steps].map(([step, total]) => [
        `  of which ${step}, per cycle in its chat (s)`,
        '',
        (total / 1000 / result.cycles).toFixed(1),
        '',
        '',
      ]),
    ],
  );
}
