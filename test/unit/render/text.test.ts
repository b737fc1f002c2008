import { describe, expect, it } from 'vitest';
import { escapeHtml, truncateUtf16, truncateUtf16Start } from '../../../src/telegram/render/index.ts';
import { parseTelegramHtml } from '../../fakes/telegram/html.ts';

describe('escapeHtml', () => {
  it('escapes what Telegram requires and round-trips through its parser', () => {
    const text = 'if (a < b && c > d) { return "&amp;"; }';
    expect(escapeHtml(text)).toBe('if (a &lt; b &amp;&amp; c &gt; d) { return "&amp;amp;"; }');
    const parsed = parseTelegramHtml(escapeHtml(text));
    expect(parsed.ok && parsed.text).toBe(text);
  });
});

describe('truncateUtf16', () => {
  it('keeps short text and shortens long text to the limit with an ellipsis', () => {
    expect(truncateUtf16('hello', 5)).toBe('hello');
    expect(truncateUtf16('hello world', 8)).toBe('hello w…');
  });

  it('never leaves half an emoji behind', () => {
    const cut = truncateUtf16('ab😀cd', 4);
    expect(cut).toBe('ab…');
    expect(cut.length).toBeLessThanOrEqual(4);
    expect(truncateUtf16Start('ab😀cd', 4)).toBe('…cd');
    expect(truncateUtf16Start('ab😀cd', 5)).toBe('…😀cd');
  });
});
