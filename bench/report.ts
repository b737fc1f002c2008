/** Turns the measured stamps into the two tables `npm run bench` prints. Pure. */
import type { DirectTurn } from './direct.ts';
import { median, summarize } from './stats.ts';
import { formatTable, ms } from './table.ts';
import type { BotTurn } from './through-bot.ts';

export const TARGETS = { botAddedMedianMs: 5, botAddedP99Ms: 20, firstReplyRatio: 1.2 } as const;

export interface FirstReplies {
  /** The message sent as soon as /new's confirmation showed. */
  afterNew: number[];
  afterNewPaused: number[];
  /** After a bot restart, so /session spawned the process. */
  afterSession: number[];
  afterSessionPaused: number[];
  /** After a bot restart, a message to the chat's active session, which had no process. */
  coldThroughBot: number[];
  directCold: number[];
  directAhead: number[];
}

export interface BenchResults {
  botTurns: BotTurn[];
  directTurns: DirectTurn[];
  first: FirstReplies;
  pauseMs: number;
}

const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

/** Bot-added latency per warm turn beside the CLI's own per-turn figures. */
export function warmTurnTable(results: BenchResults): string {
  const { botTurns, directTurns } = results;
  const intake = botTurns.map((t) => t.requestAt - t.queuedAt);
  const output = botTurns.map((t) => t.replyAt - t.modelDoneAt);
  const botAdded = botTurns.map((t) => t.requestAt - t.queuedAt + (t.replyAt - t.modelDoneAt));
  const cliIn = directTurns.map((t) => t.requestAt - t.sentAt);
  const cliOut = directTurns.map((t) => t.resultAt - t.modelDoneAt);
  const cliInOut = directTurns.map((t) => t.requestAt - t.sentAt + (t.resultAt - t.modelDoneAt));
  // Turns alternate bot, CLI alone, bot…: each pair saw the same load, so their difference is the bot's.
  const ownShare = median(
    botAdded.map((added, i) => added - (cliInOut[i] ?? Number.NaN)).filter(Number.isFinite),
  );

  const added = summarize(botAdded);
  const row = (label: string, samples: number[], target = '', result = ''): string[] => {
    const s = summarize(samples);
    return [label, String(s.n), ms(s.median), ms(s.p99), target, result];
  };
  const rows = [
    row('(a) update on Telegram -> CLI request at model', intake),
    row('    CLI alone: message in -> request at model', cliIn),
    row("(b) model's last byte -> answer at Telegram", output),
    row("    CLI alone: model's last byte -> result out", cliOut),
    row(
      'bot-added latency = (a) + (b)',
      botAdded,
      `med <= ${TARGETS.botAddedMedianMs}, p99 <= ${TARGETS.botAddedP99Ms}`,
      verdict(added.median <= TARGETS.botAddedMedianMs && added.p99 <= TARGETS.botAddedP99Ms),
    ),
    row('    CLI alone, same two intervals', cliInOut),
    [
      '    bot code alone, est. (paired difference)',
      String(Math.min(botAdded.length, cliInOut.length)),
      ms(ownShare),
      '',
      `med <= ${TARGETS.botAddedMedianMs}`,
      `${verdict(ownShare <= TARGETS.botAddedMedianMs)} (est.)`,
    ],
    row(
      "CLI's own turn, no bot: message in -> result",
      directTurns.map((t) => t.resultAt - t.sentAt),
    ),
    row(
      "CLI's own duration_ms (SDK result)",
      directTurns.map((t) => t.durationMs),
    ),
    row(
      'whole turn via bot: update -> answer at Telegram',
      botTurns.map((t) => t.replyAt - t.queuedAt),
    ),
  ];
  return formatTable(
    [
      { title: 'warm turn, ms' },
      { title: 'n', align: 'right' },
      { title: 'median', align: 'right' },
      { title: 'p99', align: 'right' },
      { title: 'target' },
      { title: 'result' },
    ],
    rows,
  );
}

/** First replies after /new, /session and a cold start, each against a warm turn. */
export function firstReplyTable(results: BenchResults): string {
  const { first, pauseMs } = results;
  const warm = median(results.botTurns.map((t) => t.replyAt - t.queuedAt));
  const directWarm = median(results.directTurns.map((t) => t.resultAt - t.sentAt));
  const pause = `${pauseMs / 1000} s`;
  const targeted = `<= ${TARGETS.firstReplyRatio}x warm`;
  const row = (label: string, samples: number[], baseline: number, target: boolean): string[] => {
    const s = summarize(samples);
    const ratio = s.median / baseline;
    return [
      label,
      String(s.n),
      ms(s.median),
      ms(s.max),
      `${ratio.toFixed(1)}x`,
      target ? targeted : '',
      target ? verdict(ratio <= TARGETS.firstReplyRatio) : '',
    ];
  };
  const warmTurns = results.botTurns.map((t) => t.replyAt - t.queuedAt);
  const rows = [
    row('warm turn via bot (baseline)', warmTurns, warm, false),
    row('/new, message sent as its reply shows', first.afterNew, warm, true),
    row(`/new, message sent ${pause} later`, first.afterNewPaused, warm, true),
    row('/session, message sent as its reply shows', first.afterSession, warm, true),
    row(`/session, message sent ${pause} later`, first.afterSessionPaused, warm, true),
    row('cold: no process yet (restart, no /session)', first.coldThroughBot, warm, false),
    row(
      'CLI alone: warm turn (baseline)',
      results.directTurns.map((t) => t.resultAt - t.sentAt),
      directWarm,
      false,
    ),
    row('CLI alone: cold spawn + first answer', first.directCold, directWarm, false),
    row(`CLI alone: spawned ${pause} ahead, first answer`, first.directAhead, directWarm, false),
  ];
  return formatTable(
    [
      { title: 'first reply, ms' },
      { title: 'n', align: 'right' },
      { title: 'median', align: 'right' },
      { title: 'max', align: 'right' },
      { title: 'vs warm', align: 'right' },
      { title: 'target' },
      { title: 'result' },
    ],
    rows,
  );
}
