import { entityCounts, type Run, runsToPlain, sliceRuns } from './runs.ts';
import { safeCutIndex } from './text.ts';

/** Telegram ignores formatting beyond the 100th entity of a message. */
export const TELEGRAM_ENTITY_LIMIT = 100;

/** Where to cut, best first: between paragraphs, between lines, between words. */
const BREAKS = ['\n\n', '\n', ' '] as const;

/**
 * Cuts styled runs into pieces whose text is at most `maxLength` UTF-16 code units and that open at
 * most `maxEntities` entities, preferring paragraph, then line, then word boundaries, and cutting
 * mid-word only when a word alone is too long. Styles travel with the characters, so a code block cut
 * in two is a code block in both pieces. Pieces that would be blank are dropped (Telegram refuses
 * empty messages).
 */
export function splitRuns(
  runs: readonly Run[],
  maxLength: number,
  maxEntities = TELEGRAM_ENTITY_LIMIT,
): Run[][] {
  const max = Math.max(2, Math.floor(maxLength));
  const text = runsToPlain(runs);
  const inCode = codeMask(runs);
  const entityLimit = entityLimiter(runs, Math.max(5, maxEntities));
  // Telegram trims a message's leading whitespace, except inside a code block; trimming it here keeps
  // `plain` identical to what Telegram shows.
  const skipBlank = (from: number): number => {
    let index = from;
    while (
      index < text.length &&
      /\s/.test(text[index] as string) &&
      (text[index] === '\n' || !inCode[index])
    ) {
      index++;
    }
    return index;
  };
  const pieces: Run[][] = [];
  let start = skipBlank(0);
  while (start < text.length) {
    const limit = Math.min(start + max, entityLimit(start));
    const { end, next } =
      text.length <= limit ? { end: text.length, next: text.length } : findCut(text, start, limit - start);
    let trimmedEnd = end;
    while (trimmedEnd > start && /\s/.test(text[trimmedEnd - 1] as string)) trimmedEnd--;
    if (trimmedEnd > start) pieces.push(sliceRuns(runs, start, trimmedEnd));
    start = skipBlank(next);
  }
  return pieces;
}

/** For each UTF-16 unit of the joined text: is it inside a code block? */
function codeMask(runs: readonly Run[]): boolean[] {
  const mask: boolean[] = [];
  for (const run of runs) {
    const code = run.style.pre !== undefined;
    for (let i = 0; i < run.text.length; i++) mask.push(code);
  }
  return mask;
}

/**
 * For a message starting at a position, the position before which it must end to stay within the
 * entity limit. Positions must be asked for in increasing order.
 */
function entityLimiter(runs: readonly Run[], maxEntities: number): (start: number) => number {
  const { open, opened } = entityCounts(runs);
  const runStarts: number[] = [];
  let position = 0;
  for (const run of runs) {
    runStarts.push(position);
    position += run.text.length;
  }
  let first = 0;
  return (start) => {
    while (first + 1 < runs.length && (runStarts[first + 1] as number) <= start) first++;
    let count = open[first] ?? 0;
    for (let k = first + 1; k < runs.length; k++) {
      count += opened[k] ?? 0;
      if (count > maxEntities) return runStarts[k] as number;
    }
    return Number.POSITIVE_INFINITY;
  };
}

function findCut(text: string, start: number, max: number): { end: number; next: number } {
  const limit = start + max;
  const goodEnough = start + Math.floor(max / 2);
  for (const minimum of [goodEnough, start + 1]) {
    for (const separator of BREAKS) {
      const at = text.lastIndexOf(separator, limit);
      if (at >= minimum) return { end: at, next: at + separator.length };
    }
  }
  let end = safeCutIndex(text, limit);
  if (end <= start) end = Math.min(text.length, start + 2);
  return { end, next: end };
}

/** Splits plain text into Telegram-sized messages the same way, e.g. for the plain-text fallback. */
export function renderPlainChunks(text: string, maxLength = 4096): string[] {
  return splitRuns([{ text, style: {} }], maxLength).map(runsToPlain);
}
