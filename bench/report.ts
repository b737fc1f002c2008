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
  /**
   * Warm turns via the bot without the relay, in the fresh sessions of `afterNewPaused` right after
   * their first replies: the baseline of the bot's first-reply rows, measured as those are.
   */
  warmNoRelay: number[];
  /** After a bot restart, so /session spawned the process. */
  afterSession: number[];
  afterSessionPaused: number[];
  /** After a bot restart, a message to the chat's active session, which had no process. */
  coldThroughBot: number[];
  directCold: number[];
  directAhead: number[];
  /** With a model that takes as long as the real API: warm turns and first replies after /new. */
  slowModel: { modelMs: number; warm: number[]; afterNewPaused: number[] };
}

export interface BenchResults {
  botTurns: BotTurn[];
  directTurns: DirectTurn[];
  first: FirstReplies;
  pauseMs: number;
}

const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

/** A turn through the bot split at the CLI's stdin and stdout (needs the relay's stamps). */
function splitTurn(turn: BotTurn) {
  if (!turn.cli) throw new Error('a warm turn without the relay stamps');
  const { inAt, resultAt } = turn.cli;
  return {
    botIn: inAt - turn.queuedAt,
    cliIn: turn.requestAt - inAt,
    model: turn.modelDoneAt - turn.requestAt,
    cliOut: resultAt - turn.modelDoneAt,
    botOut: turn.replyAt - resultAt,
  };
}

/**
 * The median of the CLI's own two stretches of a warm turn via the bot (stdin -> request at the
 * model, model's last byte -> result on stdout): what issue 3's (a)+(b) holds beyond the bot's share.
 */
export function cliOwnMedianMs(botTurns: readonly BotTurn[]): number {
  return median(botTurns.map(splitTurn).map((t) => t.cliIn + t.cliOut));
}

/**
 * Bot-added latency per warm turn: the bot's own two stretches of each turn, measured inside the
 * turn at the CLI's stdin and stdout, beside the CLI's own stretches and the CLI alone.
 */
export function warmTurnTable(results: BenchResults): string {
  const { botTurns, directTurns } = results;
  const split = botTurns.map(splitTurn);
  const botAdded = split.map((t) => t.botIn + t.botOut);
  const whole = botTurns.map((t) => t.replyAt - t.queuedAt);
  const cliAlone = directTurns.map((t) => t.resultAt - t.sentAt);
  // Turns alternate bot, CLI alone, bot…: each pair saw the same load, so their difference is the bot's.
  const pairedShare = whole.map((w, i) => w - (cliAlone[i] ?? Number.NaN)).filter(Number.isFinite);
  const issueWording = botTurns.map((t) => t.requestAt - t.queuedAt + (t.replyAt - t.modelDoneAt));

  const added = summarize(botAdded);
  const row = (label: string, samples: number[], target = '', result = ''): string[] => {
    const s = summarize(samples);
    return [label, String(s.n), ms(s.median), ms(s.p99), target, result];
  };
  const rows = [
    row(
      'bot in: update on Telegram -> message on CLI stdin',
      split.map((t) => t.botIn),
    ),
    row(
      '  CLI: stdin -> request at model',
      split.map((t) => t.cliIn),
    ),
    row(
      '  model: request in -> last byte out',
      split.map((t) => t.model),
    ),
    row(
      "  CLI: model's last byte -> result on stdout",
      split.map((t) => t.cliOut),
    ),
    row(
      'bot out: result on stdout -> answer at Telegram',
      split.map((t) => t.botOut),
    ),
    row(
      'bot-added latency = bot in + bot out',
      botAdded,
      `med <= ${TARGETS.botAddedMedianMs}, p99 <= ${TARGETS.botAddedP99Ms}`,
      verdict(added.median <= TARGETS.botAddedMedianMs && added.p99 <= TARGETS.botAddedP99Ms),
    ),
    row('whole turn via bot: update -> answer at Telegram', whole),
    row('baseline, CLI alone (no bot): message in -> result', cliAlone),
    row(
      '  its own duration_ms (SDK result)',
      directTurns.map((t) => t.durationMs),
    ),
    row('cross-check: whole turn minus the CLI-alone turn after it', pairedShare),
    row("issue 3's (a)+(b), CLI intake and output included", issueWording),
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

/** A ratio to a baseline, two decimals: 1.19x. */
const times = (ratio: number) => `${ratio.toFixed(2)}x`;

/**
 * First replies after /new, /session and a cold start, each against a warm turn measured the same
 * way. The target holds only if every trial, the slowest included, is within the ratio.
 */
export function firstReplyTable(results: BenchResults): string {
  const { first, pauseMs } = results;
  // Bot rows run without the relay in fresh sessions: so do the warm turns they are read against.
  const warm = median(first.warmNoRelay);
  const directWarm = median(results.directTurns.map((t) => t.resultAt - t.sentAt));
  const pause = `${pauseMs / 1000} s`;
  const targeted = `every trial <= ${TARGETS.firstReplyRatio}x warm`;
  const row = (label: string, samples: number[], baseline: number, target: boolean): string[] => {
    const s = summarize(samples);
    const slowest = s.max / baseline;
    return [
      label,
      String(s.n),
      ms(s.median),
      ms(s.max),
      times(s.median / baseline),
      times(slowest),
      target ? targeted : '',
      target ? verdict(slowest <= TARGETS.firstReplyRatio) : '',
    ];
  };
  const rows = [
    row('warm turn via bot, no relay (baseline)', first.warmNoRelay, warm, false),
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
  const { slowModel } = first;
  if (slowModel.warm.length > 0) {
    const slowWarm = median(slowModel.warm);
    const model = `model taking ${slowModel.modelMs / 1000} s`;
    rows.push(
      row(`${model}: warm turn via bot (baseline)`, slowModel.warm, slowWarm, false),
      row(`${model}: /new, message sent ${pause} later`, slowModel.afterNewPaused, slowWarm, false),
    );
  }
  return formatTable(
    [
      { title: 'first reply, ms' },
      { title: 'n', align: 'right' },
      { title: 'median', align: 'right' },
      { title: 'max', align: 'right' },
      { title: 'median/warm', align: 'right' },
      { title: 'max/warm', align: 'right' },
      { title: 'target' },
      { title: 'result' },
    ],
    rows,
  );
}
