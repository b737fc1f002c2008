import type { Run, Style } from './runs.ts';

/**
 * Markdown inline syntax (as Claude writes it) → styled runs: `**bold**`, `__bold__`, `*italic*`,
 * `_italic_`, `~~strike~~`, `` `code` ``, `[text](url)`, `<https://…>`, backslash escapes.
 * Emphasis follows CommonMark's flanking rules, so `snake_case_name`, `5 * 3` and an unclosed `**`
 * stay literal text.
 */
export function parseInline(text: string, base: Style = {}): Run[] {
  const runs: Run[] = [];
  flatten(parseNodes(text), base, runs);
  return mergeRuns(runs);
}

/** The text of inline Markdown without its markup, e.g. for a table cell. */
export function inlineToPlain(text: string): string {
  return parseInline(text)
    .map((run) => run.text)
    .join('');
}

type Node = { kind: 'text'; text: string } | { kind: 'styled'; style: Style; children: Node[] };

interface Delimiter {
  kind: 'delim';
  char: '*' | '_' | '~';
  count: number;
  canOpen: boolean;
  canClose: boolean;
}

type Item = Node | Delimiter;

const ESCAPABLE = /[!-/:-@[-`{-~]/;
const WHITESPACE = /\s/u;
const PUNCTUATION = /[\p{P}\p{S}]/u;
const ALPHANUMERIC = /[\p{L}\p{N}]/u;
const LINK_SCHEMES = /^(?:https?:\/\/[^\s/]+\.[^\s/]+|https?:\/\/localhost|tg:\/\/)/i;
const BARE_URL = /https?:\/\/[^\s<>]+/iy;
const BACKTICKS = /`+/y;
const AUTOLINK = /<((?:https?|tg):\/\/[^\s<>]+)>/iy;
const LINK_TITLE = /"[^"]*"|'[^']*'/y;

/** Matches a sticky pattern exactly at `index`, without copying the rest of the text. */
function matchAt(pattern: RegExp, text: string, index: number): RegExpExecArray | null {
  pattern.lastIndex = index;
  return pattern.exec(text);
}

function flatten(nodes: Node[], style: Style, out: Run[]): void {
  for (const node of nodes) {
    if (node.kind === 'text') out.push({ text: node.text, style });
    else flatten(node.children, { ...style, ...node.style }, out);
  }
}

function sameStyle(a: Style, b: Style): boolean {
  return (
    a.bold === b.bold &&
    a.italic === b.italic &&
    a.strike === b.strike &&
    a.code === b.code &&
    a.link === b.link &&
    a.quote === b.quote &&
    a.pre?.language === b.pre?.language
  );
}

function mergeRuns(runs: Run[]): Run[] {
  const merged: Run[] = [];
  for (const run of runs) {
    if (run.text === '') continue;
    const last = merged.at(-1);
    if (last && sameStyle(last.style, run.style)) last.text += run.text;
    else merged.push({ text: run.text, style: run.style });
  }
  return merged;
}

/** A usable link target for Telegram, or undefined for relative paths and odd schemes. */
export function linkTarget(url: string): string | undefined {
  const trimmed = url.trim();
  if (!LINK_SCHEMES.test(trimmed)) return undefined;
  try {
    new URL(trimmed);
    return trimmed;
  } catch {
    return undefined;
  }
}

function parseNodes(text: string): Node[] {
  const items: Item[] = [];
  let buffer = '';
  const flushText = (): void => {
    if (buffer !== '') items.push({ kind: 'text', text: buffer });
    buffer = '';
  };
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (char === '\\' && i + 1 < text.length && ESCAPABLE.test(text[i + 1] as string)) {
      buffer += text[i + 1];
      i += 2;
      continue;
    }
    if (char === '`') {
      const span = codeSpan(text, i);
      if (span) {
        flushText();
        items.push({ kind: 'styled', style: { code: true }, children: [{ kind: 'text', text: span.code }] });
        i = span.end;
      } else {
        const run = matchAt(BACKTICKS, text, i)?.[0] ?? '`';
        buffer += run;
        i += run.length;
      }
      continue;
    }
    if (char === '[' || (char === '!' && text[i + 1] === '[')) {
      const link = linkAt(text, char === '!' ? i + 1 : i);
      if (link) {
        flushText();
        const label = link.label.trim() === '' ? link.url : link.label;
        const target = linkTarget(link.url);
        const children = parseNodes(label);
        items.push(
          target
            ? { kind: 'styled', style: { link: target }, children }
            : { kind: 'styled', style: {}, children },
        );
        i = link.end;
        continue;
      }
    }
    if (char === '<') {
      const auto = matchAt(AUTOLINK, text, i);
      const target = auto?.[1] ? linkTarget(auto[1]) : undefined;
      if (auto && target) {
        flushText();
        items.push({ kind: 'styled', style: { link: target }, children: [{ kind: 'text', text: target }] });
        i += auto[0].length;
        continue;
      }
    }
    if ((char === 'h' || char === 'H') && (i === 0 || !/[\p{L}\p{N}]/u.test(text[i - 1] as string))) {
      const url = matchAt(BARE_URL, text, i)?.[0];
      if (url) {
        // A bare URL is left for Telegram to recognise; its `_` and `*` are not emphasis.
        buffer += trimUrlPunctuation(url);
        i += trimUrlPunctuation(url).length;
        continue;
      }
    }
    if (char === '*' || char === '_' || char === '~') {
      let end = i;
      while (text[end] === char) end++;
      const count = end - i;
      const before = i === 0 ? ' ' : (text[i - 1] as string);
      const after = end >= text.length ? ' ' : (text[end] as string);
      const { canOpen, canClose } = flanking(char, before, after);
      // Claude writes bold as `**`; a double underscore is nearly always a Python dunder like __init__.
      if ((char === '~' && count !== 2) || (char === '_' && count > 1)) {
        buffer += text.slice(i, end);
      } else {
        flushText();
        items.push({ kind: 'delim', char, count, canOpen, canClose });
      }
      i = end;
      continue;
    }
    buffer += char;
    i++;
  }
  flushText();
  return resolveEmphasis(items);
}

function trimUrlPunctuation(url: string): string {
  let trimmed = url.replace(/[.,;:!?'"*_~]+$/, '');
  while (trimmed.endsWith(')') && count(trimmed, '(') < count(trimmed, ')')) trimmed = trimmed.slice(0, -1);
  return trimmed;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

function flanking(char: string, before: string, after: string): { canOpen: boolean; canClose: boolean } {
  const beforeSpace = WHITESPACE.test(before);
  const afterSpace = WHITESPACE.test(after);
  const beforePunct = PUNCTUATION.test(before);
  const afterPunct = PUNCTUATION.test(after);
  const left = !afterSpace && (!afterPunct || beforeSpace || beforePunct);
  const right = !beforeSpace && (!beforePunct || afterSpace || afterPunct);
  // Inside a word (`snake_case`, `3*4*5`) neither `_` nor `*` is emphasis.
  if (ALPHANUMERIC.test(before) && ALPHANUMERIC.test(after)) return { canOpen: false, canClose: false };
  if (char === '_') {
    return { canOpen: left && (!right || beforePunct), canClose: right && (!left || afterPunct) };
  }
  return { canOpen: left, canClose: right };
}

function codeSpan(text: string, start: number): { code: string; end: number } | undefined {
  let ticksEnd = start;
  while (text[ticksEnd] === '`') ticksEnd++;
  const ticks = ticksEnd - start;
  let search = ticksEnd;
  while (search < text.length) {
    const found = text.indexOf('`'.repeat(ticks), search);
    if (found < 0) return undefined;
    let runEnd = found;
    while (text[runEnd] === '`') runEnd++;
    if (runEnd - found === ticks) {
      let code = text.slice(ticksEnd, found);
      if (code.length > 1 && code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '') {
        code = code.slice(1, -1);
      }
      return code === '' ? undefined : { code, end: runEnd };
    }
    search = runEnd;
  }
  return undefined;
}

function linkAt(text: string, start: number): { label: string; url: string; end: number } | undefined {
  let depth = 0;
  let i = start;
  // Link text longer than this is not a link; the bound keeps a run of `[` from costing n².
  const end = Math.min(text.length, start + 2000);
  for (; i < end; i++) {
    const char = text[i];
    if (char === '\\') i++;
    else if (char === '[') depth++;
    else if (char === ']' && --depth === 0) break;
  }
  if (i >= end || text[i + 1] !== '(') return undefined;
  const label = text.slice(start + 1, i);
  let j = i + 2;
  while (text[j] === ' ') j++;
  let url = '';
  if (text[j] === '<') {
    const close = text.indexOf('>', j);
    if (close < 0) return undefined;
    url = text.slice(j + 1, close);
    j = close + 1;
  } else {
    let parens = 0;
    const urlStart = j;
    for (; j < text.length; j++) {
      const char = text[j] as string;
      if (WHITESPACE.test(char)) break;
      if (char === '(') parens++;
      else if (char === ')') {
        if (parens === 0) break;
        parens--;
      }
    }
    url = text.slice(urlStart, j);
  }
  while (text[j] === ' ') j++;
  const title = matchAt(LINK_TITLE, text, j);
  if (title) j += title[0].length;
  while (text[j] === ' ') j++;
  if (text[j] !== ')') return undefined;
  return { label, url, end: j + 1 };
}

/** CommonMark's delimiter matching, simplified: nearest opener of the same character wins. */
function resolveEmphasis(items: Item[]): Node[] {
  for (let closer = 0; closer < items.length; closer++) {
    const close = items[closer];
    if (close?.kind !== 'delim' || !close.canClose) continue;
    let opener = closer - 1;
    for (; opener >= 0; opener--) {
      const candidate = items[opener];
      // Emphasis does not span lines: a stray `*` on one line must not pair with one on another.
      if (candidate?.kind === 'text' && candidate.text.includes('\n')) {
        opener = -1;
        break;
      }
      if (
        candidate?.kind === 'delim' &&
        candidate.char === close.char &&
        candidate.canOpen &&
        candidate.count > 0
      ) {
        break;
      }
    }
    const open = items[opener];
    if (opener < 0 || open?.kind !== 'delim') continue;
    const used = close.char === '~' ? 2 : open.count >= 2 && close.count >= 2 ? 2 : 1;
    const style: Style =
      close.char === '~' ? { strike: true } : used === 2 ? { bold: true } : { italic: true };
    const inner = items.slice(opener + 1, closer);
    const node: Node = { kind: 'styled', style, children: toNodes(inner) };
    items.splice(opener + 1, closer - opener - 1, node);
    closer = opener + 2;
    open.count -= used;
    close.count -= used;
    if (open.count === 0) {
      items.splice(opener, 1);
      closer--;
    }
    if (close.count === 0) items.splice(closer, 1);
    closer--;
  }
  return toNodes(items);
}

function toNodes(items: Item[]): Node[] {
  return items.map((item) =>
    item.kind === 'delim' ? { kind: 'text', text: item.char.repeat(item.count) } : item,
  );
}
