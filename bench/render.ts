/**
 * The Markdown renderer's speed (`npx tsx bench/render.ts`, and a table in `npm run bench`): render and
 * split 1 MB of realistic Markdown, beside the hand-written renderer it replaced (kept as
 * bench/baseline-render/); and pathological inputs at N and 2N characters, whose time must grow
 * linearly. Beside each, markdown-it's own parse of the same input, configured as the renderer configures
 * it: the floor the renderer cannot go below, and the answer to whether a growth is ours or the parser's.
 * Times are CPU time of this process (user + system, so garbage collection counts), the fastest of a
 * few runs: on a shared machine, wall time mostly measures the other processes. Garbage is collected
 * before every timed run, so that one run never pays for the garbage of the one before.
 */
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { renderMarkdown } from '../src/telegram/render/index.ts';
import { createMarkdownIt } from '../src/telegram/render/parser.ts';
import { longAnswer } from '../test/unit/render/long-answers.ts';
import { renderMarkdown as baselineRender } from './baseline-render/index.ts';
import { formatTable, ms } from './table.ts';

type Render = (markdown: string) => unknown;

export const RENDER_TARGETS = {
  /** Render and split 1 MB of realistic Markdown, in ms. */
  megabyteMs: 100,
  /** Time at 2N over time at N: linear, with room for noise. */
  doublingRatio: 2.2,
};

/** The baseline is skipped on an input once one run of it takes longer than this. */
const BASELINE_BUDGET_MS = 3_000;
const RUNS = 7;

/** Pathological inputs of about `size` characters: long runs of delimiters, deep nesting, one long line. */
const PATHOLOGICAL: ReadonlyArray<{ name: string; make: (size: number) => string }> = [
  { name: "'src/* ' repeated", make: (size) => 'src/* '.repeat(size / 6) },
  { name: "'x* ' repeated", make: (size) => 'x* '.repeat(size / 3) },
  { name: "'*a ' repeated", make: (size) => '*a '.repeat(size / 3) },
  { name: "'_a ' repeated", make: (size) => '_a '.repeat(size / 3) },
  { name: "'~~a ' repeated", make: (size) => '~~a '.repeat(size / 4) },
  { name: "'`a``' repeated", make: (size) => '`a``'.repeat(size / 4) },
  { name: "'[' run", make: (size) => '['.repeat(size) },
  { name: "'[a](' repeated", make: (size) => '[a]('.repeat(size / 4) },
  { name: "'<' run", make: (size) => '<'.repeat(size) },
  { name: "'<a ' repeated", make: (size) => '<a '.repeat(size / 3) },
  { name: 'nested quotes', make: (size) => `${'> '.repeat(size / 2)}x` },
  { name: 'nested lists', make: (size) => `${'- '.repeat(size / 2)}x` },
  {
    name: 'one long line',
    make: (size) => 'word **bold** `code` [link](https://example.com/x) 家族 👨‍👩‍👧 '.repeat(size / 64),
  },
];
const PATHOLOGICAL_SIZE = 100_000;

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** A full garbage collection: `global.gc` under --expose-gc, else the same function enabled now. */
function garbageCollector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** One renderer (or parser) on one input, timed. */
interface Trial {
  render: Render;
  input: string;
}

/**
 * Each trial's times, one per round; within a round the trials run in turns, so that a change in load
 * hits them alike. A trial over `BASELINE_BUDGET_MS` is not run again.
 */
function timesInTurns(trials: readonly Trial[], collect: () => void, runs = RUNS): number[][] {
  const times: number[][] = trials.map(() => []);
  for (let run = 0; run < runs; run++) {
    trials.forEach(({ render, input }, index) => {
      const previous = times[index] as number[];
      if (previous.length > 0 && Math.min(...previous) > BASELINE_BUDGET_MS) return;
      collect();
      const started = cpuMs();
      render(input);
      previous.push(cpuMs() - started);
    });
  }
  return times;
}

function fastestInTurns(trials: readonly Trial[], collect: () => void, runs = RUNS): number[] {
  return timesInTurns(trials, collect, runs).map((times) => Math.min(...times));
}

/**
 * Growth from N to 2N: the fastest time at each, and the median over rounds of time(2N) / time(N)
 * within the round, which one slow run on either side cannot move.
 */
function doubling(atN: readonly number[], at2N: readonly number[]): { text: string; ratio: number } {
  const ratios = atN.map((small, round) => (at2N[round] ?? Number.NaN) / small).sort((x, y) => x - y);
  const middle = ratios.length >> 1;
  const ratio =
    ratios.length % 2 === 1
      ? (ratios[middle] as number)
      : ((ratios[middle - 1] as number) + (ratios[middle] as number)) / 2;
  return {
    text: `${ms(Math.min(...atN))} → ${ms(Math.min(...at2N))} ms (${ratio.toFixed(2)}×)`,
    ratio,
  };
}

/** About `size` characters of the answers Claude gives: prose in several scripts, code, lists, tables. */
export function realisticMarkdown(size: number): string {
  let markdown = longAnswer(20);
  while (markdown.length < size) markdown += `\n\n${markdown}`;
  return markdown.slice(0, size);
}

export interface RenderBenchRow {
  what: string;
  baseline: string;
  /** markdown-it's parse alone, the part of the time the renderer does not control. */
  parse: string;
  measured: string;
  target: string;
  pass: boolean;
}

/** Runs the renderer bench; takes a minute or two on a busy two-core machine. */
export function runRenderBench(progress: (line: string) => void = () => {}): RenderBenchRow[] {
  const collect = garbageCollector();
  const md = createMarkdownIt();
  const parse: Render = (markdown) => md.parse(markdown, {});
  const rows: RenderBenchRow[] = [];
  const megabyte = realisticMarkdown(1_000_000);
  renderMarkdown(megabyte); // warm-up: the JIT, and markdown-it's lazily built tables
  parse(megabyte);
  progress('1 MB of realistic Markdown');
  baselineRender(megabyte);
  // In a steady state, as in the bot: no collection forced before each run. After a forced full
  // collection V8 shrinks the heap and the next run grows it again, which measured every contender
  // here 2-3x slower (markdown-it's parse of this input: about 120 ms steady, 380 ms after a forced one).
  const [newMs, parseMs, oldMs] = fastestInTurns(
    [
      { render: renderMarkdown, input: megabyte },
      { render: parse, input: megabyte },
      { render: baselineRender, input: megabyte },
    ],
    () => {},
  ) as [number, number, number];
  rows.push({
    what: 'render + split 1 MB of realistic Markdown',
    baseline: `${ms(oldMs)} ms (hand-written)`,
    parse: `${ms(parseMs)} ms (rest: ${ms(Math.max(0, newMs - parseMs))})`,
    measured: `${ms(newMs)} ms`,
    target: `< ${RENDER_TARGETS.megabyteMs} ms, < baseline`,
    pass: newMs < RENDER_TARGETS.megabyteMs && newMs < oldMs,
  });
  for (const { name, make } of PATHOLOGICAL) {
    progress(name);
    const [small, large] = [make(PATHOLOGICAL_SIZE), make(2 * PATHOLOGICAL_SIZE)];
    renderMarkdown(small);
    const [atN, at2N, parseAtN, parseAt2N] = timesInTurns(
      [
        { render: renderMarkdown, input: small },
        { render: renderMarkdown, input: large },
        { render: parse, input: small },
        { render: parse, input: large },
      ],
      collect,
    ) as [number[], number[], number[], number[]];
    const growth = doubling(atN, at2N);
    rows.push({
      what: `${name}, ${PATHOLOGICAL_SIZE / 1000} k → ${(2 * PATHOLOGICAL_SIZE) / 1000} k chars`,
      baseline: baselineDoubling(small, large, collect),
      parse: doubling(parseAtN, parseAt2N).text,
      measured: growth.text,
      target: `≤ ${RENDER_TARGETS.doublingRatio}×`,
      pass: growth.ratio <= RENDER_TARGETS.doublingRatio,
    });
  }
  return rows;
}

/** The previous renderer at N and 2N, as far as it gets: it is quadratic or crashes on some inputs. */
function baselineDoubling(small: string, large: string, collect: () => void): string {
  try {
    const [atN] = timesInTurns([{ render: baselineRender, input: small }], collect, 1) as [number[]];
    if (Math.min(...atN) > BASELINE_BUDGET_MS / 4) return `${ms(Math.min(...atN))} ms → (not run)`;
    const [at2N] = timesInTurns([{ render: baselineRender, input: large }], collect, 1) as [number[]];
    return doubling(atN, at2N).text;
  } catch (error) {
    return error instanceof RangeError ? 'stack overflow' : 'failed';
  }
}

export function renderBenchTable(rows: readonly RenderBenchRow[]): string {
  return formatTable(
    [
      { title: 'Markdown renderer' },
      { title: 'previous renderer', align: 'right' },
      { title: 'markdown-it parse alone', align: 'right' },
      { title: 'markdown-it renderer', align: 'right' },
      { title: 'target' },
      { title: 'result' },
    ],
    rows.map((row) => [
      row.what,
      row.baseline,
      row.parse,
      row.measured,
      row.target,
      row.pass ? 'PASS' : 'FAIL',
    ]),
  );
}

/** The whole report, heading and table, as `npm run bench` prints it. */
export function renderBenchReport(progress?: (line: string) => void): string {
  const rows = runRenderBench(progress);
  return (
    `\nMarkdown rendering, CPU ms (fastest of ${RUNS} runs, in turns; the 1 MB row in a steady state, the ` +
    `pathological rows with a full collection before each run; N → 2N ratios are the median of ${RUNS} ` +
    `rounds' ratios)\n\n${renderBenchTable(rows)}`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(renderBenchReport((line) => process.stderr.write(`bench render: ${line}\n`)));
}
