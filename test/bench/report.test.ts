/**
 * The benchmark's tables from made-up stamps: the arithmetic and the PASS/FAIL verdicts. The numbers
 * here are inputs, not measurements; nothing is timed.
 */
import { describe, expect, it } from 'vitest';
import type { DirectTurn } from '../../bench/direct.ts';
import { type BenchResults, cliOwnMedianMs, firstReplyTable, warmTurnTable } from '../../bench/report.ts';
import { formatTable, ms } from '../../bench/table.ts';
import type { BotTurn } from '../../bench/through-bot.ts';

/**
 * A bot turn: the bot takes `botIn` ms to put the message on the CLI's stdin, the CLI `cliIn` ms
 * to ask the model, the model 2 ms, the CLI `cliOut` ms to its result, the bot `botOut` ms to Telegram.
 */
function botTurn(botIn: number, botOut: number, cliIn = 20, cliOut = 5): BotTurn {
  const inAt = 1_000 + botIn;
  const requestAt = inAt + cliIn;
  const modelDoneAt = requestAt + 2;
  const resultAt = modelDoneAt + cliOut;
  return { queuedAt: 1_000, requestAt, modelDoneAt, replyAt: resultAt + botOut, cli: { inAt, resultAt } };
}

function directTurn(intake: number, output: number): DirectTurn {
  return {
    sentAt: 5_000,
    requestAt: 5_000 + intake,
    modelDoneAt: 5_002 + intake,
    resultAt: 5_002 + intake + output,
    durationMs: intake + output,
  };
}

function results(
  bot: BotTurn[],
  direct: DirectTurn[],
  first: Partial<BenchResults['first']> = {},
): BenchResults {
  const some = [1, 2, 3];
  return {
    botTurns: bot,
    directTurns: direct,
    pauseMs: 3_000,
    first: {
      afterNew: some,
      afterNewPaused: some,
      warmNoRelay: some,
      afterSession: some,
      afterSessionPaused: some,
      coldThroughBot: some,
      directCold: some,
      directAhead: some,
      slowModel: { modelMs: 1_000, warm: [], afterNewPaused: [] },
      ...first,
    },
  };
}

/** The cells after the label of the row whose label starts with `label` (empty cells collapse). */
function cells(table: string, label: string): string[] {
  const line = table.split('\n').find((l) => l.trimStart().startsWith(label));
  if (!line) throw new Error(`no row ${label} in\n${table}`);
  return line
    .trim()
    .split(/\s{2,}/)
    .slice(1);
}

const many = <T>(count: number, make: (i: number) => T): T[] =>
  Array.from({ length: count }, (_, i) => make(i));

describe('the warm-turn table', () => {
  it("adds the bot's two stretches into bot-added latency and passes within 5 ms median and 20 ms p99", () => {
    const table = warmTurnTable(
      results(
        many(100, () => botTurn(3, 1)),
        many(100, () => directTurn(20, 5)),
      ),
    );
    expect(cells(table, 'bot in:')).toEqual(['100', '3.00', '3.00']);
    expect(cells(table, 'CLI: stdin -> request')).toEqual(['100', '20.0', '20.0']);
    expect(cells(table, "CLI: model's last byte")).toEqual(['100', '5.00', '5.00']);
    expect(cells(table, 'bot out:')).toEqual(['100', '1.00', '1.00']);
    expect(cells(table, 'bot-added latency')).toEqual(['100', '4.00', '4.00', 'med <= 5, p99 <= 20', 'PASS']);
    // The whole turn (31 ms) against the CLI alone (27 ms): the same 4 ms, seen from outside.
    expect(cells(table, 'cross-check')).toEqual(['100', '4.00', '4.00']);
    // The (a)+(b) counts the CLI's 25 ms of its own as well.
    expect(cells(table, "issue 3's (a)+(b)")).toEqual(['100', '29.0', '29.0']);
  });

  it('does not count the CLI being slow against the bot', () => {
    const table = warmTurnTable(
      results(
        many(100, () => botTurn(2, 2, 60, 30)),
        many(100, () => directTurn(20, 5)),
      ),
    );
    expect(cells(table, 'bot-added latency')).toEqual(['100', '4.00', '4.00', 'med <= 5, p99 <= 20', 'PASS']);
  });

  it('fails on the p99 when two turns in a hundred are slow, even with a fast median', () => {
    const bot = many(100, (i) => botTurn(i < 2 ? 40 : 3, 1));
    const table = warmTurnTable(
      results(
        bot,
        many(100, () => directTurn(20, 5)),
      ),
    );
    expect(cells(table, 'bot-added latency')).toEqual(['100', '4.00', '41.0', 'med <= 5, p99 <= 20', 'FAIL']);
  });

  it('fails a median over 5 ms', () => {
    const table = warmTurnTable(
      results(
        many(100, () => botTurn(4, 2)),
        many(100, () => directTurn(20, 5)),
      ),
    );
    expect(cells(table, 'bot-added latency')).toEqual(['100', '6.00', '6.00', 'med <= 5, p99 <= 20', 'FAIL']);
  });

  it('refuses a turn measured without the relay rather than guessing its split', () => {
    const { cli: _dropped, ...unstamped } = botTurn(3, 1);
    expect(() => warmTurnTable(results([unstamped], [directTurn(20, 5)]))).toThrow(/relay/);
  });
});

describe('the first-reply table', () => {
  const columns = (median: string, max: string, medianRatio: string, maxRatio: string) => [
    '3',
    median,
    max,
    medianRatio,
    maxRatio,
  ];
  const target = 'every trial <= 1.2x warm';

  it('reads first replies against warm turns without the relay, not against the relay-driven ones', () => {
    const table = firstReplyTable(
      results(
        many(100, () => botTurn(25, 25, 25, 25)), // relay-driven warm turns of 102 ms: not the baseline
        many(100, () => directTurn(40, 10)),
        {
          warmNoRelay: [90, 100, 100, 110],
          afterNew: [100, 110, 120],
        },
      ),
    );
    expect(cells(table, 'warm turn via bot, no relay (baseline)')).toEqual([
      '4',
      '100',
      '110',
      '1.00x',
      '1.10x',
    ]);
    expect(cells(table, '/new, message sent as its reply shows')).toEqual([
      ...columns('110', '120', '1.10x', '1.20x'),
      target,
      'PASS',
    ]);
  });

  it('fails when any one trial is over 1.2x, even with a median well within it', () => {
    const table = firstReplyTable(
      results(
        many(100, () => botTurn(25, 25, 25, 25)),
        many(100, () => directTurn(40, 10)),
        {
          warmNoRelay: [100, 100, 100, 100],
          afterNew: [110, 120, 500],
          afterNewPaused: [100, 105, 121],
          afterSession: [200, 210, 220],
        },
      ),
    );
    expect(cells(table, '/new, message sent as its reply shows')).toEqual([
      ...columns('120', '500', '1.20x', '5.00x'),
      target,
      'FAIL',
    ]);
    // Two decimals: 1.21x is not shown as the 1.2x it failed.
    expect(cells(table, '/new, message sent 3 s later')).toEqual([
      ...columns('105', '121', '1.05x', '1.21x'),
      target,
      'FAIL',
    ]);
    expect(cells(table, '/session, message sent as its reply shows')).toEqual([
      ...columns('210', '220', '2.10x', '2.20x'),
      target,
      'FAIL',
    ]);
  });

  it('reads the CLI-alone rows against the CLI alone, with no verdict', () => {
    const table = firstReplyTable(
      results(
        many(100, () => botTurn(25, 25, 25, 25)),
        many(100, () => directTurn(40, 10)), // 52 ms each
        { directCold: [104, 130, 156] },
      ),
    );
    expect(cells(table, 'CLI alone: warm turn (baseline)')).toEqual([
      '100',
      '52.0',
      '52.0',
      '1.00x',
      '1.00x',
    ]);
    expect(cells(table, 'CLI alone: cold spawn')).toEqual(columns('130', '156', '2.50x', '3.00x'));
  });

  it('refuses to judge without warm turns to read the first replies against', () => {
    expect(() => firstReplyTable(results([botTurn(1, 1)], [directTurn(1, 1)], { warmNoRelay: [] }))).toThrow(
      RangeError,
    );
  });
});

describe("the CLI's own share of a warm turn via the bot", () => {
  it("is the median of the CLI's two stretches per turn, which the bot cannot shorten", () => {
    // CLI stretches of 20+5, 30+10 and 40+5 ms: the middle turn's 40.
    expect(cliOwnMedianMs([botTurn(3, 1, 20, 5), botTurn(3, 1, 30, 10), botTurn(3, 1, 40, 5)])).toBe(40);
  });

  it('refuses a turn measured without the relay', () => {
    const { cli: _dropped, ...unstamped } = botTurn(3, 1);
    expect(() => cliOwnMedianMs([unstamped])).toThrow(/relay/);
  });
});

describe('the first-reply table with a slow model', () => {
  it('reads first replies against warm turns with the same slow model, and gives them no verdict', () => {
    const table = firstReplyTable(
      results(
        many(100, () => botTurn(25, 25, 25, 25)),
        many(100, () => directTurn(40, 10)),
        {
          slowModel: { modelMs: 1_000, warm: [1_000, 1_050, 1_100], afterNewPaused: [1_150, 1_260, 1_300] },
        },
      ),
    );
    expect(cells(table, 'model taking 1 s: warm turn')).toEqual(['3', '1050', '1100', '1.00x', '1.05x']);
    expect(cells(table, 'model taking 1 s: /new')).toEqual(['3', '1260', '1300', '1.20x', '1.24x']);
  });

  it('leaves the rows out when the run had no slow-model turns', () => {
    const table = firstReplyTable(results([botTurn(1, 1)], [directTurn(1, 1)]));
    expect(table).not.toContain('model taking');
  });
});

describe('the text table', () => {
  it('aligns columns: text to the left, numbers to the right', () => {
    const table = formatTable(
      [{ title: 'what' }, { title: 'ms', align: 'right' }],
      [
        ['short', '1.5'],
        ['a longer label', '120'],
      ],
    );
    expect(table.split('\n')).toEqual([
      'what             ms',
      '--------------  ---',
      'short           1.5',
      'a longer label  120',
    ]);
  });
});

describe('milliseconds in the tables', () => {
  it('shows two decimals below 10 ms, so a median just over a 5 ms target does not read as 5.0', () => {
    expect(ms(5.04)).toBe('5.04');
    expect(ms(42.25)).toBe('42.3');
    expect(ms(1234.4)).toBe('1234');
  });
});
