import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../src/telegram/render/index.ts';
import { covered, expectSendable } from './helpers.ts';

function renderOne(markdown: string) {
  const chunks = renderMarkdown(markdown);
  expect(chunks).toHaveLength(1);
  const [parsed] = expectSendable(chunks);
  if (!parsed) throw new Error('nothing rendered');
  return parsed;
}

describe('renderMarkdown: GFM beyond the basics', () => {
  it('sends the source as text when non-blank Markdown would render to nothing', () => {
    for (const markdown of ['```', '```\n```', '#', '> ', '>', '[x]: https://example.com', '<!-- -->']) {
      const chunks = renderMarkdown(markdown);
      expectSendable(chunks);
      expect(chunks.map((chunk) => chunk.plain)).toEqual([markdown.trim()]);
    }
  });

  it('numbers footnote references and lists the notes after a rule', () => {
    const parsed = renderOne(
      'Disk is fine[^disk] and so is RAM[^ram].\n\n[^disk]: 81 % used.\n[^ram]: *Plenty* left.',
    );
    expect(parsed.text).toBe(
      'Disk is fine[1] and so is RAM[2].\n\n──────────\n\n[1] 81 % used.\n[2] Plenty left.',
    );
    expect(covered(parsed, 'italic')).toEqual(['Plenty']);
  });

  it('lays a table wider than a phone out as one block per row, keeping cell formatting', () => {
    const parsed = renderOne(
      [
        '| Service | Host | Status | Notes |',
        '|---|---|---|---|',
        '| postgres | db-1.home.lan | running | primary, [81 %](https://grafana.lan/d) disk |',
        '| nginx | web-1 | `stopped` | |',
      ].join('\n'),
    );
    expect(parsed.text).toBe(
      [
        'Service: postgres\nHost: db-1.home.lan\nStatus: running\nNotes: primary, 81 % disk',
        'Service: nginx\nHost: web-1\nStatus: stopped\nNotes: —',
      ].join('\n\n'),
    );
    expect(covered(parsed, 'bold')).toEqual(['Service: postgres', 'Service: nginx']);
    expect(covered(parsed, 'code')).toEqual(['stopped']);
    expect(covered(parsed, 'text_link')).toEqual(['81 %']);
    expect(parsed.entities.some((entity) => entity.type === 'pre')).toBe(false);
  });

  it('keeps a table that fits a phone as aligned columns no wider than 40', () => {
    const parsed = renderOne('| a | b |\n|--:|---|\n| 1 | two |\n| 333 | 4 |');
    const [table] = covered(parsed, 'pre');
    expect(table?.split('\n')).toEqual(['  a │ b', '────┼────', '  1 │ two', '333 │ 4']);
  });

  it('shows raw HTML as the text it is, in blocks and inline', () => {
    const parsed = renderOne(
      '<details>\n<summary>Log</summary>\n</details>\n\nPress <kbd>Ctrl</kbd> & <b>go</b>.',
    );
    expect(parsed.text).toBe(
      '<details>\n<summary>Log</summary>\n</details>\n\nPress <kbd>Ctrl</kbd> & <b>go</b>.',
    );
    expect(parsed.entities).toEqual([]);
  });

  it('shows an image as its description, linked to the picture', () => {
    const parsed = renderOne('Graph: ![CPU load](https://grafana.example.com/cpu.png)');
    expect(parsed.text).toBe('Graph: CPU load');
    expect(parsed.entities).toEqual([
      { type: 'text_link', offset: 7, length: 8, url: 'https://grafana.example.com/cpu.png' },
    ]);
  });

  it('keeps character references as written', () => {
    expect(renderOne('Escape & as &amp; and < as &lt; or &#60;').text).toBe(
      'Escape & as &amp; and < as &lt; or &#60;',
    );
  });

  it('keeps code fences, strikethrough and indented code with their meaning', () => {
    const parsed = renderOne('~~old~~ new\n\n    indented code\n\n~~~rust title="x"\nfn main() {}\n~~~');
    expect(covered(parsed, 'strikethrough')).toEqual(['old']);
    expect(covered(parsed, 'pre')).toEqual(['indented code', 'fn main() {}']);
    expect(parsed.entities.find((entity) => entity.type === 'pre' && entity.language)?.language).toBe('rust');
  });

  it('keeps every word of content nested deeper than the parser goes', () => {
    const quotes = `${'> '.repeat(150)}deep words here`;
    const lists = Array.from({ length: 80 }, (_, depth) => `${'  '.repeat(depth)}- level${depth}`).join('\n');
    for (const markdown of [quotes, lists]) {
      const text = renderMarkdown(markdown)
        .map((chunk) => chunk.plain)
        .join('\n');
      for (const word of markdown.match(/[a-z]+\d*/g) ?? []) expect(text).toContain(word);
    }
  });
});
