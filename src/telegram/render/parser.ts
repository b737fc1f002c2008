import MarkdownItCallable, {
  type MarkdownIt,
  type StateCore,
  type StateInline,
  type Token,
} from 'markdown-it';
import footnote from 'markdown-it-footnote';

/**
 * How deep blocks and inline spans may nest. Deeper block content is not parsed by markdown-it (it
 * would be dropped); the adapter shows such content as its source text instead (see blocks.ts).
 */
export const MAX_NESTING = 100;

/** A parsed document: markdown-it's token stream and the source whose lines its `map`s point into. */
export interface ParsedMarkdown {
  tokens: Token[];
  source: string;
}

/**
 * A CommonMark + GFM parser as Claude's answers need it: tables, strikethrough, footnotes, bare
 * `http(s)://` URLs as links, raw HTML recognised (and later shown as text, never interpreted).
 * The instance holds configuration only; parsing keeps no state in it, so one can serve every chat.
 */
export function createMarkdownParser(): (markdown: string) => ParsedMarkdown {
  const md = createMarkdownIt();
  return (markdown) => {
    // markdown-it normalises line ends and NUL the same way; doing it first keeps `map` line numbers
    // pointing into the source's lines.
    const source = markdown.replace(/\r\n?/g, '\n').replace(/\0/g, '\ufffd');
    return { tokens: md.parse(source, {}), source };
  };
}

/** The configured markdown-it instance itself (the bench times its parse alone, as the floor). */
export function createMarkdownIt(): MarkdownIt {
  const md = new MarkdownItCallable('default', { html: true, linkify: true, maxNesting: MAX_NESTING }).use(
    footnote,
  );
  // Only links written with a scheme: `README.md`, `main.py` or `app.rs` are file names, not
  // Moldovan, Paraguayan or Serbian web sites.
  md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
  md.linkify.add('//', null);
  md.linkify.add('ftp:', null);
  md.inline.ruler.before('emphasis', 'literal_underscores', literalUnderscores);
  md.inline.ruler.before('emphasis', 'literal_intraword_stars', literalIntrawordStars);
  md.core.ruler.before('text_join', 'entities_as_written', entitiesAsWritten);
  return md;
}

/**
 * `&amp;` and `&lt;` stay as written: in a chat they are nearly always the subject of the sentence
 * (how to escape HTML), not a way to type `&` or `<`.
 */
function entitiesAsWritten(state: StateCore): void {
  for (const block of state.tokens) {
    for (const token of block.children ?? []) {
      if (token.type === 'text_special' && token.info === 'entity') token.content = token.markup;
    }
  }
}

/**
 * Two or more underscores are text, not emphasis: Claude writes bold as `**`, and a double underscore
 * is nearly always a Python dunder like `__init__`.
 */
function literalUnderscores(state: StateInline, silent: boolean): boolean {
  const start = state.pos;
  let end = start;
  while (state.src.charCodeAt(end) === 0x5f) end++;
  if (end - start < 2) return false;
  if (!silent) state.pending += state.src.slice(start, end);
  state.pos = end;
  return true;
}

const ALPHANUMERIC = /[\p{L}\p{N}]/u;

/**
 * A `*` between two letters or digits is text, as in `3*4*5` or `ls *.ts … a*b`: Claude means
 * multiplication or a glob there, and CommonMark would pair such stars into emphasis across lines.
 */
function literalIntrawordStars(state: StateInline, silent: boolean): boolean {
  const start = state.pos;
  if (state.src.charCodeAt(start) !== 0x2a || start === 0) return false;
  let end = start;
  while (state.src.charCodeAt(end) === 0x2a) end++;
  const before = state.src[start - 1] as string;
  const after = state.src[end];
  if (after === undefined || !ALPHANUMERIC.test(before) || !ALPHANUMERIC.test(after)) return false;
  if (!silent) state.pending += state.src.slice(start, end);
  state.pos = end;
  return true;
}
