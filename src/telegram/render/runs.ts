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

/**
 * One entity of a style. Two tags are the same entity when kind and value match; the opening HTML is
 * built only when a tag is written, so counting entities (once per run of a long answer) stays cheap.
 */
interface Tag {
  kind: 'quote' | 'pre' | 'a' | 'code' | 'b' | 'i' | 's';
  /** The link target, or the code block's language; '' otherwise. */
  value: string;
}

const QUOTE: Tag = { kind: 'quote', value: '' };
const CODE: Tag = { kind: 'code', value: '' };
const BOLD: Tag = { kind: 'b', value: '' };
const ITALIC: Tag = { kind: 'i', value: '' };
const STRIKE: Tag = { kind: 's', value: '' };
const CLOSE: Record<Tag['kind'], string> = {
  quote: '</blockquote>',
  pre: '</pre>',
  a: '</a>',
  code: '</code>',
  b: '</b>',
  i: '</i>',
  s: '</s>',
};

const LANGUAGE = /^[A-Za-z0-9_+#.-]{1,32}$/;

/**
 * The tags for a style, outermost first. Telegram forbids formatting inside code and pre, and a link
 * cannot contain code, so those combinations are resolved here rather than left for Telegram to drop.
 */
function tagsFor(style: Style): Tag[] {
  const tags: Tag[] = [];
  if (style.quote) tags.push(QUOTE);
  if (style.pre) {
    const language = style.pre.language;
    tags.push({ kind: 'pre', value: language !== '' && LANGUAGE.test(language) ? language : '' });
    return tags;
  }
  if (style.link !== undefined) tags.push({ kind: 'a', value: style.link });
  if (style.code && style.link === undefined) {
    tags.push(CODE);
    return tags;
  }
  if (style.bold) tags.push(BOLD);
  if (style.italic) tags.push(ITALIC);
  if (style.strike) tags.push(STRIKE);
  return tags;
}

/** How many leading tags two tag lists share. */
function sharedPrefix(a: readonly Tag[], b: readonly Tag[]): number {
  const most = Math.min(a.length, b.length);
  let shared = 0;
  while (
    shared < most &&
    (a[shared] as Tag).kind === (b[shared] as Tag).kind &&
    a[shared]?.value === b[shared]?.value
  )
    shared++;
  return shared;
}

function openTag(tag: Tag): string {
  switch (tag.kind) {
    case 'quote':
      return '<blockquote>';
    case 'pre':
      return tag.value === '' ? '<pre>' : `<pre><code class="language-${escapeAttribute(tag.value)}">`;
    case 'a':
      return `<a href="${escapeAttribute(tag.value)}">`;
    default:
      return `<${tag.kind}>`;
  }
}

function closeTag(tag: Tag): string {
  return tag.kind === 'pre' && tag.value !== '' ? '</code></pre>' : CLOSE[tag.kind];
}

/** Telegram HTML for a sequence of runs; every tag opened is closed, in order. */
export function runsToHtml(runs: readonly Run[]): string {
  let html = '';
  let open: Tag[] = [];
  for (const run of runs) {
    if (run.text === '') continue;
    const wanted = tagsFor(run.style);
    const shared = sharedPrefix(open, wanted);
    for (let i = open.length - 1; i >= shared; i--) html += closeTag(open[i] as Tag);
    for (let i = shared; i < wanted.length; i++) html += openTag(wanted[i] as Tag);
    open = wanted;
    html += escapeHtml(run.text);
  }
  for (let i = open.length - 1; i >= 0; i--) html += closeTag(open[i] as Tag);
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
    const shared = sharedPrefix(previous, tags);
    open.push(tags.length);
    opened.push(tags.length - shared);
    if (run.text !== '') previous = tags;
  }
  return { open, opened };
}

export function runsToPlain(runs: readonly Run[]): string {
  let plain = '';
  for (const run of runs) plain += run.text;
  return plain;
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
