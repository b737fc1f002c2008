import MarkdownIt from 'markdown-it';
import { expect } from 'vitest';
import type { RenderedChunk } from '../../../src/telegram/render/index.ts';
import { checkTelegramHtml, parseTelegramHtml } from '../../fakes/telegram/index.ts';

export interface ParsedChunk {
  text: string;
  entities: Array<{ type: string; offset: number; length: number; url?: string; language?: string }>;
}

/** Parses one chunk the way Telegram would, failing the test with Telegram's own error when it can't. */
export function parseChunk(chunk: RenderedChunk): ParsedChunk {
  const parsed = parseTelegramHtml(chunk.html);
  if (!parsed.ok) throw new Error(`Telegram would reject ${JSON.stringify(chunk.html)}: ${parsed.error}`);
  return parsed;
}

/** Every chunk parses, shows exactly its plain fallback text, fits the limit and is not blank. */
export function expectSendable(chunks: RenderedChunk[], maxLength = 4096): ParsedChunk[] {
  expect(chunks.length).toBeGreaterThan(0);
  return chunks.map((chunk) => {
    const parsed = parseChunk(chunk);
    expect(parsed.text).toBe(chunk.plain);
    // Telegram's own clean-up (trimming, dropping formatting it does not allow) changes nothing.
    const shown = checkTelegramHtml(chunk.html);
    if (maxLength <= 4096) {
      expect(shown.ok).toBe(true);
      if (shown.ok) {
        expect(shown.text).toBe(parsed.text);
        expect(formatting(shown)).toEqual(formatting(parsed));
      }
    }
    expect(parsed.text.length).toBeLessThanOrEqual(maxLength);
    // Telegram silently ignores formatting beyond a message's 100th entity.
    expect(parsed.entities.length).toBeLessThanOrEqual(100);
    expect(parsed.text.trim()).not.toBe('');
    expect(parsed.text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    return parsed;
  });
}

/** The entities of a given type, each as the text it covers. */
export function covered(parsed: ParsedChunk, type: string): string[] {
  return parsed.entities
    .filter((entity) => entity.type === type)
    .map((entity) => parsed.text.slice(entity.offset, entity.offset + entity.length));
}

/** Visible characters only: what a reader sees once whitespace is ignored. */
export function visible(text: string): string {
  return text.replace(/\s+/g, '');
}

/**
 * The formatting of each character. Telegram merges touching entities of one type, so entity lists
 * are compared character by character.
 */
function formatting(parsed: ParsedChunk): string[] {
  const perChar: string[][] = Array.from({ length: parsed.text.length }, () => []);
  for (const entity of parsed.entities) {
    for (let i = entity.offset; i < entity.offset + entity.length; i++) {
      perChar[i]?.push(`${entity.type}:${entity.url ?? ''}:${entity.language ?? ''}`);
    }
  }
  return perChar.map((types) => types.sort().join(','));
}

/** The text of each message without the `…` that starts every message after the first. */
export function unmarked(chunks: readonly RenderedChunk[]): string[] {
  return chunks.map((chunk, index) => (index === 0 ? chunk.plain : chunk.plain.replace(/^…[ \n]/, '')));
}

const decoder = new MarkdownIt();
/** The only references a CommonMark renderer writes into text itself (it decodes all others). */
const BASIC_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };

/**
 * The words a browser would show for an HTML rendering (tags dropped, entities decoded): letters and
 * digits only, so markup and punctuation never count.
 */
export function wordsOfHtml(html: string): string[] {
  const text = html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot);/g, (_, name: string) => BASIC_ENTITIES[name] ?? '');
  return [...new Set(text.match(/[\p{L}\p{N}]+/gu) ?? [])];
}

/**
 * Fails unless every word a CommonMark renderer would show appears in what the chat shows.
 * Character references may match decoded too: the renderer shows `&amp;` as written on purpose.
 */
export function expectWordsShown(referenceHtml: string, chunks: readonly RenderedChunk[]): void {
  const shown = unmarked(chunks).join('');
  const decoded = decoder.utils.unescapeAll(shown);
  const missing = wordsOfHtml(referenceHtml).filter(
    (word) => !shown.includes(word) && !decoded.includes(word),
  );
  expect(missing).toEqual([]);
}
