import { describe, expect, it } from 'vitest';
import { renderMarkdown, renderPlainChunks } from '../../../src/telegram/render/index.ts';
import { debuggingAnswer, emojiAnswer, lookalikeAnswer, planAnswer } from './answers.ts';
import { covered, expectSendable, unmarked, visible } from './helpers.ts';

const UNLIMITED = Number.MAX_SAFE_INTEGER;

/** The whole answer as one unsplit text, to prove splitting loses nothing. */
function wholeText(markdown: string): string {
  return unmarked(renderMarkdown(markdown, { maxLength: UNLIMITED })).join('');
}

function longReport(sections: number): string {
  const parts: string[] = [];
  for (let section = 1; section <= sections; section++) {
    parts.push(`## Section ${section}: the \`worker_${section}\` queue`);
    parts.push(
      `The queue **drained** in ${section * 3} s & the p99 latency stayed < 200 ms. `.repeat(8) +
        `See [run ${section}](https://ci.example.com/runs/${section}?tab=logs&attempt=2).`,
    );
    parts.push(`- item one for ${section}\n- item two with *emphasis*\n  - nested detail ${section}`);
    parts.push(`\`\`\`sh\nfor i in $(seq 1 ${section}); do echo "<$i>" && sleep 1; done\n\`\`\``);
  }
  return parts.join('\n\n');
}

describe('renderMarkdown: answers far beyond one message', () => {
  it('splits a very long answer into valid messages at paragraph boundaries and loses nothing', () => {
    const markdown = longReport(40);
    const chunks = renderMarkdown(markdown);
    expect(chunks.length).toBeGreaterThan(5);
    const parsed = expectSendable(chunks);
    expect(visible(unmarked(chunks).join(''))).toBe(visible(wholeText(markdown)));
    for (const chunk of parsed.slice(0, -1)) {
      expect(chunk.text.length).toBeGreaterThan(2048);
    }
    // Each message after the first is marked as a continuation and starts at the beginning of a
    // block, never in the middle of a sentence, nor inside a code block.
    for (const chunk of unmarked(chunks).slice(1)) {
      expect(chunk).toMatch(/^(Section \d+|The queue|• item one|for i in)/);
    }
    for (const chunk of parsed.slice(1)) expect(chunk.text).toMatch(/^…[ \n]/);
    for (const chunk of parsed) {
      for (const code of covered(chunk, 'pre')) expect(code).toMatch(/^for i in .*done$/);
    }
  });

  it('closes a code block longer than a message and reopens it, with its language, in the next', () => {
    const lines = Array.from(
      { length: 400 },
      (_, n) => `    if value_${n} < limit && flags & 0x${n.toString(16)}: print("<${n}>")`,
    );
    const markdown = `Here is the generated module:\n\n\`\`\`python\n${lines.join('\n')}\n\`\`\`\n\nThat's all.`;
    const chunks = renderMarkdown(markdown);
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    const parsed = expectSendable(chunks);
    const codeLines: string[] = [];
    for (const chunk of parsed) {
      for (const entity of chunk.entities.filter((e) => e.type === 'pre'))
        expect(entity.language).toBe('python');
      codeLines.push(...covered(chunk, 'pre').flatMap((code) => code.split('\n')));
    }
    // Every line arrives whole, indentation included, in order.
    expect(codeLines).toEqual(lines);
    expect(parsed.at(-1)?.text.endsWith("That's all.")).toBe(true);
  });

  it('splits a single line longer than a message between words', () => {
    const words = Array.from({ length: 1500 }, (_, n) => `word${n}`);
    const chunks = renderMarkdown(words.join(' '));
    expectSendable(chunks);
    expect(chunks.length).toBeGreaterThan(2);
    expect(unmarked(chunks).flatMap((chunk) => chunk.split(' '))).toEqual(words);
  });

  it('cuts a line with no spaces at all, never between the halves of an emoji', () => {
    const markdown = `a${'😀'.repeat(5000)}`;
    const chunks = renderMarkdown(markdown, { maxLength: 4096 });
    const parsed = expectSendable(chunks);
    expect(unmarked(chunks).join('')).toBe(markdown);
    expect(chunks[0]?.plain.length).toBe(4095);
    for (const chunk of parsed) expect(chunk.text.length).toBeLessThanOrEqual(4096);
  });

  it('keeps every character of an echoed full-length message, its continuation marks aside', () => {
    // The hostile-input e2e echo: a 4096-character message after "You said: ", then three pasted
    // messages batched into one turn (joined by newlines).
    const echoed = `You said: ${'A'.repeat(4096)}`;
    const batched = `You said: ${'B'.repeat(4096)}\n${'C'.repeat(4096)}\n${'D'.repeat(1808)}`;
    for (const markdown of [echoed, batched]) {
      const chunks = renderMarkdown(markdown);
      expectSendable(chunks);
      expect(unmarked(chunks).join('').replace(/\s/g, '')).toBe(markdown.replace(/\s/g, ''));
    }
  });

  it('keeps a long bold stretch bold on both sides of the cut', () => {
    const sentence = 'This whole warning is important and must stay bold. ';
    const chunks = renderMarkdown(`**${sentence.repeat(120).trim()}**`);
    const parsed = expectSendable(chunks);
    expect(parsed.length).toBe(2);
    expect(covered(parsed[0] as (typeof parsed)[0], 'bold')).toEqual([parsed[0]?.text]);
    expect(covered(parsed[1] as (typeof parsed)[1], 'bold')).toEqual([parsed[1]?.text.slice(2)]);
  });

  it('stays valid at every small limit, for every kind of answer', () => {
    const answers = [debuggingAnswer, planAnswer, lookalikeAnswer, emojiAnswer, longReport(3)];
    for (const markdown of answers) {
      const whole = visible(wholeText(markdown));
      for (const maxLength of [2, 3, 7, 16, 33, 64, 100, 257, 1000]) {
        const chunks = renderMarkdown(markdown, { maxLength });
        expectSendable(chunks, maxLength);
        expect(visible(unmarked(chunks).join(''))).toBe(whole);
      }
    }
  });

  it('starts a new message before the 100th entity, so no formatting is silently lost', () => {
    const markdown = Array.from({ length: 300 }, (_, n) => `- **item ${n}**: \`v_${n}\``).join('\n');
    expect(markdown.length).toBeLessThan(8000);
    const chunks = renderMarkdown(markdown);
    const parsed = expectSendable(chunks);
    expect(parsed.length).toBeGreaterThanOrEqual(6);
    expect(parsed.flatMap((chunk) => covered(chunk, 'bold'))).toEqual(
      Array.from({ length: 300 }, (_, n) => `item ${n}`),
    );
    expect(parsed.flatMap((chunk) => covered(chunk, 'code'))).toEqual(
      Array.from({ length: 300 }, (_, n) => `v_${n}`),
    );
  });

  it('counts the limit in UTF-16 code units, as Telegram does', () => {
    const chunks = renderMarkdown('𝕏'.repeat(3000));
    expect(chunks.map((chunk) => chunk.plain.length)).toEqual([4096, 1906]);
  });

  it('moves a code block that fits in a message to the next one rather than cutting it', () => {
    const code = Array.from({ length: 60 }, (_, n) => `echo "step ${n}"`).join('\n');
    const markdown = `${'Some words before the script. '.repeat(120)}\n\n\`\`\`sh\n${code}\n\`\`\`\n\nDone.`;
    const chunks = renderMarkdown(markdown);
    const parsed = expectSendable(chunks);
    expect(parsed).toHaveLength(2);
    expect(covered(parsed[0] as (typeof parsed)[0], 'pre')).toEqual([]);
    expect(covered(parsed[1] as (typeof parsed)[1], 'pre')).toEqual([code]);
    expect(chunks[1]?.plain.startsWith('…\necho "step 0"')).toBe(true);
  });
});

describe('renderPlainChunks', () => {
  it('splits plain text at line breaks when it can, and returns short text unchanged', () => {
    const text = Array.from({ length: 300 }, (_, n) => `line ${n}: ${'x'.repeat(40)}`).join('\n');
    const chunks = renderPlainChunks(text, 4096);
    expect(chunks.length).toBe(4);
    expect(chunks.join('\n')).toBe(text);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(4096);
    expect(renderPlainChunks('<b>not a tag</b> & friends')).toEqual(['<b>not a tag</b> & friends']);
  });

  it('returns nothing for blank text', () => {
    expect(renderPlainChunks('\n  \n', 100)).toEqual([]);
  });
});
