import MarkdownIt from 'markdown-it';
import footnote from 'markdown-it-footnote';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../src/telegram/render/index.ts';
import { expectSendable, expectWordsShown } from './helpers.ts';

/** A plain CommonMark + GFM renderer, to tell which words of the input a reader should see. */
const reference = new MarkdownIt({ html: true, linkify: true }).use(footnote);

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

/** 400 inputs, some cut into hundreds of messages each checked like Telegram would: slow on a busy machine. */
const SLOW = { timeout: 180_000 };

describe('renderMarkdown on arbitrary Markdown-ish input', () => {
  it('always produces messages Telegram accepts, within the limits, showing every word', SLOW, () => {
    let nonBlank = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const next = random(seed);
      const markdown = randomMarkdown(next);
      const maxLength = [4096, 300, 50, 7][seed % 4] as number;
      const chunks = renderMarkdown(markdown, { maxLength });
      try {
        if (markdown.trim() === '') {
          expect(chunks).toEqual([]);
          continue;
        }
        nonBlank++;
        // At least one message, each parsed by the strict fake's HTML checker, showing exactly its
        // plain text, within the length and entity limits.
        expectSendable(chunks, maxLength);
        expectWordsShown(reference.render(markdown), chunks);
      } catch (error) {
        throw new Error(`seed ${seed}, maxLength ${maxLength}, input ${JSON.stringify(markdown)}: ${error}`);
      }
    }
    expect(nonBlank).toBeGreaterThan(350);
  });

  it('sends something for inputs that render to no text at all', () => {
    for (const markdown of ['```', '#', '> ', '```ts\n```', '---\n\n```']) {
      const chunks = renderMarkdown(markdown);
      expectSendable(chunks);
      expectWordsShown(reference.render(markdown), chunks);
    }
  });
});
