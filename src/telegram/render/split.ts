import { entityCounts, type Run, runsToPlain } from './runs.ts';
import { safeCutIndex } from './text.ts';

/** Telegram ignores formatting beyond the 100th entity of a message. */
export const TELEGRAM_ENTITY_LIMIT = 100;

/** Starts every message after the first of a split answer, so the reader sees it goes on. */
export const CONTINUED = '…';
/** Below this limit a continuation mark would crowd out the text, so pieces go unmarked. */
const MARK_FROM_LENGTH = 64;

/**
 * Where to cut, best first: between paragraphs, then between lines, outside code blocks (first in
 * the second half of the allowed length, then anywhere); then between lines of a code block too long
 * for one message; then between words; mid-word only when a word alone is too long.
 */
const CUTS: ReadonlyArray<{ separator: string; inCode: boolean; secondHalf: boolean }> = [
  { separator: '\n\n', inCode: false, secondHalf: true },
  { separator: '\n', inCode: false, secondHalf: true },
  { separator: '\n\n', inCode: false, secondHalf: false },
  { separator: '\n', inCode: false, secondHalf: false },
  { separator: '\n', inCode: true, secondHalf: true },
  { separator: '\n', inCode: true, secondHalf: false },
  { separator: ' ', inCode: true, secondHalf: true },
  { separator: ' ', inCode: true, secondHalf: false },
];

export interface SplitOptions {
  maxEntities?: number;
  /** Marks each piece after the first with {@link CONTINUED}. */
  markContinued?: boolean;
}

/**
 * Cuts styled runs into pieces whose text is at most `maxLength` UTF-16 code units and that open at
 * most `maxEntities` entities. Styles travel with the characters, so a code block cut in two is a
 * code block, with its language, in both pieces. Pieces that would be blank are dropped (Telegram
 * refuses empty messages). Linear in the length of the text.
 */
export function splitRuns(runs: readonly Run[], maxLength: number, options: SplitOptions = {}): Run[][] {
  const max = Math.max(2, Math.floor(maxLength));
  const text = runsToPlain(runs);
  const inCode = codeMask(runs, text.length);
  const entityLimit = entityLimiter(runs, Math.max(5, options.maxEntities ?? TELEGRAM_ENTITY_LIMIT));
  const slice = runSlicer(runs);
  const markLength = options.markContinued && max >= MARK_FROM_LENGTH ? CONTINUED.length + 1 : 0;
  // Telegram trims a message's leading whitespace, except inside a code block; trimming it here keeps
  // `plain` identical to what Telegram shows.
  const skipBlank = (from: number): number => {
    let index = from;
    while (index < text.length && isSpace(text.charCodeAt(index)) && (text[index] === '\n' || !inCode[index]))
      index++;
    return index;
  };
  const pieces: Run[][] = [];
  let start = skipBlank(0);
  while (start < text.length) {
    const room = pieces.length > 0 ? max - markLength : max;
    const limit = Math.min(start + room, entityLimit(start));
    const { end, next } =
      text.length <= limit ? { end: text.length, next: text.length } : findCut(text, inCode, start, limit);
    let trimmedEnd = end;
    while (trimmedEnd > start && isSpace(text.charCodeAt(trimmedEnd - 1))) trimmedEnd--;
    if (trimmedEnd > start) {
      const piece = slice(start, trimmedEnd);
      if (pieces.length > 0 && markLength > 0) piece.unshift(continuationMark(piece[0]));
      pieces.push(piece);
    }
    start = skipBlank(next);
  }
  return pieces;
}

/** `… ` before text, `…` on a line of its own before a code block or a quote. */
function continuationMark(first: Run | undefined): Run {
  const ownLine = first?.style.pre !== undefined || first?.style.quote === true;
  return { text: `${CONTINUED}${ownLine ? '\n' : ' '}`, style: {} };
}

/** For each UTF-16 unit of the joined text: is it inside a code block? */
function codeMask(runs: readonly Run[], length: number): Uint8Array {
  const mask = new Uint8Array(length);
  let position = 0;
  for (const run of runs) {
    if (run.style.pre !== undefined) mask.fill(1, position, position + run.text.length);
    position += run.text.length;
  }
  return mask;
}

/** Slices [start, end) of the runs' joined text; slices must be asked for in increasing order. */
function runSlicer(runs: readonly Run[]): (start: number, end: number) => Run[] {
  let first = 0;
  let firstStart = 0;
  return (start, end) => {
    while (first < runs.length && firstStart + (runs[first] as Run).text.length <= start) {
      firstStart += (runs[first] as Run).text.length;
      first++;
    }
    const sliced: Run[] = [];
    let position = firstStart;
    for (let k = first; k < runs.length && position < end; k++) {
      const run = runs[k] as Run;
      const text = run.text.slice(Math.max(0, start - position), Math.min(run.text.length, end - position));
      if (text !== '') sliced.push({ text, style: run.style });
      position += run.text.length;
    }
    return sliced;
  };
}

/**
 * For a message starting at a position, the position before which it must end to stay within the
 * entity limit. Positions must be asked for in increasing order.
 */
function entityLimiter(runs: readonly Run[], maxEntities: number): (start: number) => number {
  const { open, opened } = entityCounts(runs);
  const runStarts: number[] = [];
  /** openedBefore[k]: entities opened by runs 0..k-1. */
  const openedBefore: number[] = [0];
  let position = 0;
  runs.forEach((run, k) => {
    runStarts.push(position);
    position += run.text.length;
    openedBefore.push((openedBefore[k] as number) + (opened[k] ?? 0));
  });
  let first = 0;
  return (start) => {
    while (first + 1 < runs.length && (runStarts[first + 1] as number) <= start) first++;
    // The first run k > first at which the message would hold more than maxEntities entities.
    const allowed = maxEntities - (open[first] ?? 0) + (openedBefore[first + 1] as number);
    let low = first + 1;
    let high = runs.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((openedBefore[middle + 1] as number) > allowed) high = middle;
      else low = middle + 1;
    }
    return low < runs.length ? (runStarts[low] as number) : Number.POSITIVE_INFINITY;
  };
}

function findCut(
  text: string,
  inCode: Uint8Array,
  start: number,
  limit: number,
): { end: number; next: number } {
  const goodEnough = start + Math.floor((limit - start) / 2);
  for (const cut of CUTS) {
    const minimum = cut.secondHalf ? goodEnough : start + 1;
    const at = lastSeparator(text, inCode, cut.separator, cut.inCode, minimum, limit);
    if (at >= 0) return { end: at, next: at + cut.separator.length };
  }
  let end = safeCutIndex(text, limit);
  if (end <= start) end = Math.min(text.length, start + 2);
  return { end, next: end };
}

/** The last `separator` starting in [minimum, limit] (outside code unless `inCode`), or -1. */
function lastSeparator(
  text: string,
  inCode: Uint8Array,
  separator: string,
  inCodeToo: boolean,
  minimum: number,
  limit: number,
): number {
  // lastIndexOf on the whole text would scan back to its start whenever the window holds no separator:
  // quadratic over a long answer. A slice is a view, not a copy.
  const window = text.slice(minimum, Math.min(text.length, limit + separator.length));
  for (
    let at = window.lastIndexOf(separator);
    at >= 0;
    at = at > 0 ? window.lastIndexOf(separator, at - 1) : -1
  ) {
    const position = minimum + at;
    if (inCodeToo || (!inCode[position] && !inCode[position + separator.length - 1])) return position;
  }
  return -1;
}

/** The characters JavaScript's `\s` matches, without a regular expression per character. */
function isSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Splits plain text into Telegram-sized messages the same way, e.g. for the plain-text fallback. */
export function renderPlainChunks(text: string, maxLength = 4096): string[] {
  return splitRuns([{ text, style: {} }], maxLength).map(runsToPlain);
}
