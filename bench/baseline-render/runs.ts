import { escapeAttribute, escapeHtml } from './text.ts';

/**
 * The formatting of a stretch of text, the way Telegram models it (entities over plain text).
 * Markdown is first turned into runs of styled text; HTML is produced from runs only at the very end,
 * so a message can be cut anywhere between two characters and both halves still have balanced tags.
 */
export interface Style {
  bold?: boolean;
  italic?: boolean;
  strike?: boolean;
  code?: boolean;
  link?: string;
  /** A code block; `language` is '' when the fence named none. */
  pre?: { language: string };
  quote?: boolean;
}

export interface Run {
  text: string;
  style: Style;
}

interface Tag {
  key: string;
  open: string;
  close: string;
}

const LANGUAGE = /^[A-Za-z0-9_+#.-]{1,32}$/;

/**
 * The tags for a style, outermost first. Telegram forbids formatting inside code and pre, and a link
 * cannot contain code, so those combinations are resolved here rather than left for Telegram to drop.
 */
function tagsFor(style: Style): Tag[] {
  const tags: Tag[] = [];
  if (style.quote) tags.push({ key: 'quote', open: '<blockquote>', close: '</blockquote>' });
  if (style.pre) {
    const language = style.pre.language;
    if (LANGUAGE.test(language)) {
      tags.push({
        key: `pre:${language}`,
        open: `<pre><code class="language-${escapeAttribute(language)}">`,
        close: '</code></pre>',
      });
    } else {
      tags.push({ key: 'pre', open: '<pre>', close: '</pre>' });
    }
    return tags;
  }
  if (style.link !== undefined) {
    tags.push({ key: `a:${style.link}`, open: `<a href="${escapeAttribute(style.link)}">`, close: '</a>' });
  }
  if (style.code && style.link === undefined) {
    tags.push({ key: 'code', open: '<code>', close: '</code>' });
    return tags;
  }
  if (style.bold) tags.push({ key: 'b', open: '<b>', close: '</b>' });
  if (style.italic) tags.push({ key: 'i', open: '<i>', close: '</i>' });
  if (style.strike) tags.push({ key: 's', open: '<s>', close: '</s>' });
  return tags;
}

/** Telegram HTML for a sequence of runs; every tag opened is closed, in order. */
export function runsToHtml(runs: readonly Run[]): string {
  let html = '';
  let open: Tag[] = [];
  for (const run of runs) {
    if (run.text === '') continue;
    const wanted = tagsFor(run.style);
    let shared = 0;
    while (shared < open.length && shared < wanted.length && open[shared]?.key === wanted[shared]?.key)
      shared++;
    for (let i = open.length - 1; i >= shared; i--) html += open[i]?.close ?? '';
    for (let i = shared; i < wanted.length; i++) html += wanted[i]?.open ?? '';
    open = wanted;
    html += escapeHtml(run.text);
  }
  for (let i = open.length - 1; i >= 0; i--) html += open[i]?.close ?? '';
  return html;
}

/**
 * For each run, how many entities are open in it and how many of those it opens itself (the rest
 * continue from the run before). A message that starts at run k carries `open[k]` entities from the start.
 */
export function entityCounts(runs: readonly Run[]): { open: number[]; opened: number[] } {
  const open: number[] = [];
  const opened: number[] = [];
  let previous: Tag[] = [];
  for (const run of runs) {
    const tags = run.text === '' ? [] : tagsFor(run.style);
    let shared = 0;
    while (shared < previous.length && shared < tags.length && previous[shared]?.key === tags[shared]?.key)
      shared++;
    open.push(tags.length);
    opened.push(tags.length - shared);
    if (run.text !== '') previous = tags;
  }
  return { open, opened };
}

export function runsToPlain(runs: readonly Run[]): string {
  return runs.map((run) => run.text).join('');
}

/** The runs covering characters [start, end) of the runs' joined text. */
export function sliceRuns(runs: readonly Run[], start: number, end: number): Run[] {
  const sliced: Run[] = [];
  let position = 0;
  for (const run of runs) {
    const runEnd = position + run.text.length;
    if (runEnd > start && position < end) {
      const text = run.text.slice(Math.max(0, start - position), Math.min(run.text.length, end - position));
      if (text !== '') sliced.push({ text, style: run.style });
    }
    position = runEnd;
    if (position >= end) break;
  }
  return sliced;
}
