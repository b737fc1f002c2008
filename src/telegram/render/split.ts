import { type Run, runsToPlain, sliceRuns } from './runs.ts';
import { safeCutIndex } from './text.ts';

/** Where to cut, best first: between paragraphs, between lines, between words. */
const BREAKS = ['\n\n', '\n', ' '] as const;

/**
 * Cuts styled runs into pieces whose text is at most `maxLength` UTF-16 code units, preferring
 * paragraph, then line, then word boundaries, and cutting mid-word only when a word alone is too
 * long. Styles travel with the characters, so a code block cut in two is a code block in both pieces.
 * Pieces that would be blank are dropped (Telegram refuses empty messages).
 */
export function splitRuns(runs: readonly Run[], maxLength: number): Run[][] {
  const max = Math.max(2, Math.floor(maxLength));
  const text = runsToPlain(runs);
  const pieces: Run[][] = [];
  let start = skipNewlines(text, 0);
  while (start < text.length) {
    const { end, next } =
      text.length - start <= max ? { end: text.length, next: text.length } : findCut(text, start, max);
    let trimmedEnd = end;
    while (trimmedEnd > start && /\s/.test(text[trimmedEnd - 1] as string)) trimmedEnd--;
    if (trimmedEnd > start) pieces.push(sliceRuns(runs, start, trimmedEnd));
    start = skipNewlines(text, next);
  }
  return pieces;
}

function skipNewlines(text: string, from: number): number {
  let index = from;
  while (index < text.length && (text[index] === '\n' || text[index] === '\r')) index++;
  return index;
}

function findCut(text: string, start: number, max: number): { end: number; next: number } {
  const limit = start + max;
  const goodEnough = start + Math.floor(max / 2);
  for (const minimum of [goodEnough, start + 1]) {
    for (const separator of BREAKS) {
      const at = text.lastIndexOf(separator, limit);
      if (at >= minimum && at + 0 <= limit) return { end: at, next: at + separator.length };
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
