/** The resume rows of bench/lifecycle.ts: one resume split at the relay's stamps, and the table of them. */
import type { CliStamps } from './relay-log.ts';
import { median } from './stats.ts';
import { formatTable } from './table.ts';

/** Issue 12: the bot adds at most this to the CLI's own cold resume. */
const RESUME_TARGET_MS = 10;

/**
 * One resume, split at the relay's stamps: `total` from the start (the message queued at Telegram, or
 * the CLI alone's spawn) to the answer; `in` from the start to the message at the CLI's stdin (for the
 * CLI alone: the SDK spawning the relay and the CLI); `cli` the CLI's own stretch, stdin to result;
 * `out` from the result on the CLI's stdout to the answer (at Telegram, or read by the CLI alone's SDK).
 */
export interface ResumeTurn {
  total: number;
  in: number;
  /** `in`'s first part: from the start to the relay's process beginning (the caller's work and the spawn). */
  spawn: number;
  /** `in`'s rest: node starting the relay, which then reads the message (the same code in both). */
  boot: number;
  cli: number;
  out: number;
}

/**
 * The CLI's stretch ends at the assistant message holding the answer: the bot answers the owner from
 * it, before the CLI writes its result. The CLI alone's answer exists at that same line (`endAt`
 * undefined: its `out` is 0).
 */
export function splitTurn(startAt: number, stamps: CliStamps, endAt?: number): ResumeTurn {
  const answerAt = stamps.answerAt ?? stamps.resultAt;
  if (stamps.startedAt === undefined) throw new Error('the relay logged no start for the resumed process');
  return {
    total: (endAt ?? answerAt) - startAt,
    in: stamps.inAt - startAt,
    spawn: stamps.startedAt - startAt,
    boot: stamps.inAt - stamps.startedAt,
    cli: answerAt - stamps.inAt,
    out: endAt === undefined ? 0 : endAt - answerAt,
  };
}

/** The resume rows: each stretch's median, through the bot and for the CLI alone, and the bot's share per pair. */
export function resumeTable(bot: ResumeTurn[], alone: ResumeTurn[]): string {
  const share = bot.map((turn, i) => {
    const cli = alone[i] as ResumeTurn;
    return turn.in + turn.out - (cli.in + cli.out);
  });
  // The same without the relay's own start (node loading a script: the same code in both, and the
  // noisiest part of a start on a busy machine).
  const shareToSpawn = bot.map((turn, i) => turn.spawn + turn.out - (alone[i] as ResumeTurn).spawn);
  const row = (label: string, pick: (turn: ResumeTurn) => number): string[] => [
    label,
    median(bot.map(pick)).toFixed(1),
    median(alone.map(pick)).toFixed(1),
  ];
  const botShare = median(share);
  return formatTable(
    [
      { title: '' },
      { title: 'through the bot', align: 'right' },
      { title: 'CLI alone', align: 'right' },
      { title: 'target' },
    ],
    [
      row('whole: start -> answer', (turn) => turn.total),
      row("in: start -> message at the CLI's stdin", (turn) => turn.in),
      row("  of which start -> the relay's process begins (spawn)", (turn) => turn.spawn),
      row('  of which the relay starting -> message read', (turn) => turn.boot),
      row('CLI: stdin -> answer written (resuming the transcript)', (turn) => turn.cli),
      row('out: answer written -> answer at Telegram', (turn) => turn.out),
      [
        "the bot adds (in + out less the CLI alone's in, per pair)",
        botShare.toFixed(1),
        share.map((v) => v.toFixed(0)).join(' '),
        botShare <= RESUME_TARGET_MS ? `met: <= ${RESUME_TARGET_MS} ms` : `over ${RESUME_TARGET_MS} ms`,
      ],
      [
        "the bot adds, to the spawn (its spawn + out less the CLI alone's spawn, per pair)",
        median(shareToSpawn).toFixed(1),
        shareToSpawn.map((v) => v.toFixed(0)).join(' '),
        '',
      ],
    ],
  );
}
