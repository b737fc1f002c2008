import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../src/telegram/render/index.ts';
import { expectSendable } from './helpers.ts';

/** A small deterministic generator (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '**',
  '*',
  '_',
  '__',
  '`',
  '```',
  '```ts\n',
  '~~',
  '~',
  '\n',
  '\n\n',
  '> ',
  '>> ',
  '- ',
  '  - ',
  '1. ',
  '[ ] ',
  '|',
  '| a | b |\n|---|:-:|\n',
  '---',
  '#',
  '## ',
  '[',
  ']',
  '(',
  ')',
  '](https://x.io/a?b=1&c=2)',
  '<',
  '>',
  '&',
  '&amp;',
  '\\',
  '\t',
  ' ',
  'word',
  'snake_case',
  'https://example.com/a_b',
  '😀',
  '👨‍👩‍👧',
  '𝕏',
  '家',
  '"',
  "'",
];

function randomMarkdown(next: () => number): string {
  const length = Math.floor(next() * 400);
  let text = '';
  for (let i = 0; i < length; i++) text += PIECES[Math.floor(next() * PIECES.length)];
  return text;
}

describe('renderMarkdown on arbitrary Markdown-ish input', () => {
  it('always produces messages Telegram accepts, within the limit', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const next = random(seed);
      const markdown = randomMarkdown(next);
      const maxLength = [4096, 300, 50, 7][seed % 4] as number;
      const chunks = renderMarkdown(markdown, { maxLength });
      if (markdown.trim() === '') continue;
      try {
        if (chunks.length > 0) expectSendable(chunks, maxLength);
      } catch (error) {
        throw new Error(`seed ${seed}, maxLength ${maxLength}, input ${JSON.stringify(markdown)}: ${error}`);
      }
    }
    expect(true).toBe(true);
  });
});
