/**
 * The Markdown renderer's speed (`npx tsx bench/render.ts`, and a table in `npm run bench`): render and
 * split 1 MB of realistic Markdown, beside the hand-written renderer it replaced (kept as
 * bench/baseline-render/); and pathological inputs at N and 2N characters, whose time must grow
 * linearly. Times are CPU time of this process (user + system, so garbage collection counts), the
 * fastest of a few runs: on a shared machine, wall time mostly measures the other processes.
 */
import { fileURLToPath } from 'node:url';
import { renderMarkdown } from '../src/telegram/render/index.ts';
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

function timeMs(render: Render, input: string): number {
  const started = cpuMs();
  render(input);
  return cpuMs() - started;
}

function fastestMs(render: Render, input: string, runs = RUNS): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run++) {
    best = Math.min(best, timeMs(render, input));
    if (best > BASELINE_BUDGET_MS) break;
  }
  return best;
}

/** The fastest time at N and at 2N, measured in turns so that a change in load hits both alike. */
function fastestPairMs(render: Render, small: string, large: string): [number, number] {
  let [bestSmall, bestLarge] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  for (let run = 0; run < RUNS; run++) {
    bestSmall = Math.min(bestSmall, timeMs(render, small));
    bestLarge = Math.min(bestLarge, timeMs(render, large));
  }
  return [bestSmall, bestLarge];
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
  measured: string;
  target: string;
  pass: boolean;
}

/** Runs the renderer bench; takes about a minute on a busy two-core machine. */
export function runRenderBench(progress: (line: string) => void = () => {}): RenderBenchRow[] {
  const rows: RenderBenchRow[] = [];
  const megabyte = realisticMarkdown(1_000_000);
  renderMarkdown(megabyte); // warm-up: the JIT, and markdown-it's lazily built tables
  progress('1 MB of realistic Markdown');
  const newMs = fastestMs(renderMarkdown, megabyte);
  const oldMs = fastestMs(baselineRender, megabyte, 3);
  rows.push({
    what: 'render + split 1 MB of realistic Markdown',
    baseline: `${ms(oldMs)} ms (hand-written)`,
    measured: `${ms(newMs)} ms`,
    target: `< ${RENDER_TARGETS.megabyteMs} ms, < baseline`,
    pass: newMs < RENDER_TARGETS.megabyteMs && newMs < oldMs,
  });
  for (const { name, make } of PATHOLOGICAL) {
    progress(name);
    const [small, large] = [make(PATHOLOGICAL_SIZE), make(2 * PATHOLOGICAL_SIZE)];
    renderMarkdown(small);
    const [atN, at2N] = fastestPairMs(renderMarkdown, small, large);
    const ratio = at2N / atN;
    rows.push({
      what: `${name}, ${PATHOLOGICAL_SIZE / 1000} k → ${(2 * PATHOLOGICAL_SIZE) / 1000} k chars`,
      baseline: baselineDoubling(small, large),
      measured: `${ms(atN)} → ${ms(at2N)} ms (${ratio.toFixed(2)}×)`,
      target: `≤ ${RENDER_TARGETS.doublingRatio}×`,
      pass: ratio <= RENDER_TARGETS.doublingRatio,
    });
  }
  return rows;
}

/** The previous renderer at N and 2N, as far as it gets: it is quadratic or crashes on some inputs. */
function baselineDoubling(small: string, large: string): string {
  try {
    const atN = fastestMs(baselineRender, small, 1);
    if (atN > BASELINE_BUDGET_MS / 4) return `${ms(atN)} ms → (not run)`;
    const at2N = fastestMs(baselineRender, large, 1);
    return `${ms(atN)} → ${ms(at2N)} ms (${(at2N / atN).toFixed(2)}×)`;
  } catch (error) {
    return error instanceof RangeError ? 'stack overflow' : 'failed';
  }
}

export function renderBenchTable(rows: readonly RenderBenchRow[]): string {
  return formatTable(
    [
      { title: 'Markdown renderer' },
      { title: 'previous renderer', align: 'right' },
      { title: 'markdown-it renderer', align: 'right' },
      { title: 'target' },
      { title: 'result' },
    ],
    rows.map((row) => [row.what, row.baseline, row.measured, row.target, row.pass ? 'PASS' : 'FAIL']),
  );
}

/** The whole report, heading and table, as `npm run bench` prints it. */
export function renderBenchReport(progress?: (line: string) => void): string {
  const rows = runRenderBench(progress);
  return `\nMarkdown rendering, CPU ms (fastest of ${RUNS} runs)\n\n${renderBenchTable(rows)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(renderBenchReport((line) => process.stderr.write(`bench render: ${line}\n`)));
}
