import { createRequire } from 'node:module';
import MarkdownIt from 'markdown-it';
import footnote from 'markdown-it-footnote';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderMarkdown } from '../../../src/telegram/render/index.ts';
import { debuggingAnswer, emojiAnswer, planAnswer } from './answers.ts';
import { expectSendable, expectWordsShown, unmarked } from './helpers.ts';
import { GFM_EXAMPLES, longAnswer } from './long-answers.ts';

const specSchema = z.object({
  tests: z.array(
    z.object({ markdown: z.string(), html: z.string(), section: z.string(), number: z.number() }),
  ),
});
/** The CommonMark spec's examples; the spec writes tabs as `→`. */
const spec = specSchema.parse(createRequire(import.meta.url)('commonmark-spec')).tests.map((test) => ({
  ...test,
  markdown: test.markdown.replace(/→/g, '\t'),
  html: test.html.replace(/→/g, '\t'),
}));

const referenceRenderer = new MarkdownIt({ html: true, linkify: true }).use(footnote);
/** What a reader should see of GFM input the CommonMark spec does not cover; task boxes are drawn. */
const reference = (markdown: string): string =>
  referenceRenderer.render(markdown).replace(/<li>\[[ xX]\]/g, '<li>');

function expectShownWhole(markdown: string, referenceHtml: string, maxLength: number): void {
  const chunks = renderMarkdown(markdown, { maxLength });
  if (markdown.trim() === '') {
    expect(chunks).toEqual([]);
    return;
  }
  expectSendable(chunks, maxLength);
  expectWordsShown(referenceHtml, chunks);
}

/** Thousands of messages, each checked like Telegram would: slow on a busy machine. */
const SLOW = { timeout: 180_000 };

describe('renderMarkdown on the CommonMark spec examples', () => {
  it(
    `sends every one of the ${spec.length} examples as valid messages showing every word of the spec's HTML`,
    SLOW,
    () => {
      expect(spec.length).toBeGreaterThan(600);
      for (const example of spec) {
        for (const maxLength of [4096, 40]) {
          try {
            expectShownWhole(example.markdown, example.html, maxLength);
          } catch (error) {
            throw new Error(
              `example ${example.number} (${example.section}), maxLength ${maxLength}: ${error}`,
            );
          }
        }
      }
    },
  );
});

describe('renderMarkdown on GFM and on long realistic answers', () => {
  it('sends every GFM extension example as valid messages showing every word', SLOW, () => {
    for (const markdown of GFM_EXAMPLES) {
      for (const maxLength of [4096, 40]) expectShownWhole(markdown, reference(markdown), maxLength);
    }
  });

  it(
    'splits long answers with code, tables, nested lists, CJK, RTL and emoji into valid messages',
    SLOW,
    () => {
      for (const markdown of [
        longAnswer(60),
        `${debuggingAnswer}\n${planAnswer}\n${emojiAnswer}`.repeat(30),
      ]) {
        const chunks = renderMarkdown(markdown);
        expect(chunks.length).toBeGreaterThan(3);
        const parsed = expectSendable(chunks);
        expectWordsShown(reference(markdown), chunks);
        // Every code block here names its language, also in a message that continues one; only the
        // narrow tables are code blocks without one.
        for (const chunk of parsed) {
          for (const entity of chunk.entities.filter((e) => e.type === 'pre')) {
            const code = chunk.text.slice(entity.offset, entity.offset + entity.length);
            if (!code.includes('│')) expect(entity.language).toMatch(/^(ts|typescript|sh|bash|python)$/);
          }
        }
      }
    },
  );

  it('never cuts a surrogate pair, wherever the limit falls', SLOW, () => {
    const markdown = longAnswer(4);
    const whole = unmarked(renderMarkdown(markdown, { maxLength: 1_000_000 }))
      .join('')
      .replace(/\s+/g, '');
    for (let maxLength = 64; maxLength < 140; maxLength++) {
      const chunks = renderMarkdown(markdown, { maxLength });
      expectSendable(chunks, maxLength);
      expect(unmarked(chunks).join('').replace(/\s+/g, '')).toBe(whole);
    }
  });

  it('renders pathological inputs correctly (their speed is measured in bench/render.ts)', SLOW, () => {
    const inputs = [
      '*'.repeat(20_000),
      '_'.repeat(20_000),
      '`'.repeat(20_000),
      '['.repeat(20_000),
      '<'.repeat(20_000),
      'src/* '.repeat(5_000),
      'x* '.repeat(10_000),
      '**a '.repeat(5_000),
      `${'> '.repeat(5_000)}quoted`,
      `${'- '.repeat(5_000)}listed`,
      Array.from({ length: 300 }, (_, depth) => `${'  '.repeat(depth)}- item${depth}`).join('\n'),
    ];
    for (const markdown of inputs) {
      const chunks = renderMarkdown(markdown);
      expectSendable(chunks);
      expectWordsShown(reference(markdown), chunks);
    }
    const line = 'word **bold** `code` [link](https://example.com/x) 家族 👨‍👩‍👧 '.repeat(16_000);
    expect(line.length).toBeGreaterThan(1_000_000);
    const chunks = renderMarkdown(line);
    expectSendable(chunks);
    expect(
      unmarked(chunks)
        .join(' ')
        .split(/\s+/)
        .filter((word) => word === 'word'),
    ).toHaveLength(16_000);
  });
});
