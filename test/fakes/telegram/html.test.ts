import { describe, expect, it } from 'vitest';
import { checkTelegramHtml, parseTelegramHtml } from './index.ts';

function parsed(html: string) {
  const result = parseTelegramHtml(html);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(html)} to parse, got: ${result.error}`);
  return result;
}

function errorOf(html: string): string {
  const result = parseTelegramHtml(html);
  if (result.ok)
    throw new Error(`expected ${JSON.stringify(html)} to be rejected, got ${JSON.stringify(result)}`);
  return result.error;
}

describe('parseTelegramHtml accepts what Telegram accepts', () => {
  it('turns simple tags into entities over the plain text', () => {
    expect(parsed('<b>bold</b> and <i>it</i>')).toEqual({
      ok: true,
      text: 'bold and it',
      entities: [
        { type: 'bold', offset: 0, length: 4 },
        { type: 'italic', offset: 9, length: 2 },
      ],
    });
  });

  it('knows every synonym Telegram knows, case-insensitively', () => {
    const result = parsed(
      '<STRONG>a</STRONG><em>b</em><ins>c</ins><u>d</u><strike>e</strike><del>f</del><s>g</s>',
    );
    expect(result.text).toBe('abcdefg');
    expect(result.entities.map((entity) => entity.type)).toEqual([
      'bold',
      'italic',
      'underline',
      'underline',
      'strikethrough',
      'strikethrough',
      'strikethrough',
    ]);
  });

  it('nests formatting tags', () => {
    expect(parsed('<b>a<i>b<u>c</u></i>d</b>').entities).toEqual([
      { type: 'bold', offset: 0, length: 4 },
      { type: 'italic', offset: 1, length: 2 },
      { type: 'underline', offset: 2, length: 1 },
    ]);
  });

  it('decodes the four named entities and numeric references', () => {
    expect(parsed('&lt;tag&gt; &amp; &quot;q&quot;').text).toBe('<tag> & "q"');
    expect(parsed('&#65;&#x42;&#128512;').text).toBe('AB😀');
  });

  it('keeps a bare or unknown & literally, as Telegram does, and decodes &lt without a semicolon', () => {
    expect(parsed('fish & chips').text).toBe('fish & chips');
    expect(parsed('a&nbsp;b &copy; &#0;').text).toBe('a&nbsp;b &copy; &#0;');
    expect(parsed('&lt&gt').text).toBe('<>');
  });

  it('counts entity offsets in UTF-16 code units', () => {
    expect(parsed('😀 <b>x</b>').entities).toEqual([{ type: 'bold', offset: 3, length: 1 }]);
  });

  it('makes pre with a language from <pre><code class="language-ts">', () => {
    expect(parsed('<pre><code class="language-ts">const x = 1;</code></pre>')).toEqual({
      ok: true,
      text: 'const x = 1;',
      entities: [{ type: 'pre', offset: 0, length: 12, language: 'ts' }],
    });
    expect(parsed('<pre>plain</pre>').entities).toEqual([{ type: 'pre', offset: 0, length: 5 }]);
  });

  it('supports spoilers, links, custom emoji and both blockquotes', () => {
    expect(parsed('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>').entities).toEqual([
      { type: 'spoiler', offset: 0, length: 1 },
      { type: 'spoiler', offset: 1, length: 1 },
    ]);
    expect(parsed("<a href='https://e.com/?a=1&amp;b=2'>x</a>").entities).toEqual([
      { type: 'text_link', offset: 0, length: 1, url: 'https://e.com/?a=1&b=2' },
    ]);
    expect(parsed('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>').entities).toEqual([
      { type: 'custom_emoji', offset: 0, length: 2, custom_emoji_id: '5368324170671202286' },
    ]);
    expect(parsed('<blockquote>q</blockquote><blockquote expandable>r</blockquote>').entities).toEqual([
      { type: 'blockquote', offset: 0, length: 1 },
      { type: 'expandable_blockquote', offset: 1, length: 1 },
    ]);
  });

  it('ignores unknown attributes and lets </> close the open tag', () => {
    expect(parsed('<b class="x" data-y=z>x</>').entities).toEqual([{ type: 'bold', offset: 0, length: 1 }]);
  });

  it('drops a link whose URL Telegram would not accept, keeping the text', () => {
    expect(parsed('<a href="javascript:alert(1)">x</a>')).toEqual({ ok: true, text: 'x', entities: [] });
  });
});

describe('parseTelegramHtml rejects what Telegram rejects, with its words and byte offsets', () => {
  it('rejects an unknown tag', () => {
    expect(errorOf('hello <foo>x</foo>')).toBe('Unsupported start tag "foo" at byte offset 6');
    expect(errorOf('line<br>break')).toBe('Unsupported start tag "br" at byte offset 4');
    expect(errorOf('<b/>')).toBe('Unsupported start tag "b/" at byte offset 0');
  });

  it('rejects a stray < that starts no tag', () => {
    expect(errorOf('1 < 2')).toBe('Unsupported start tag "" at byte offset 2');
    expect(errorOf('I <3 you')).toBe('Unsupported start tag "3" at byte offset 2');
  });

  it('counts byte offsets in UTF-8 bytes', () => {
    expect(errorOf('é <x>')).toBe('Unsupported start tag "x" at byte offset 3');
    expect(errorOf('😀<x>')).toBe('Unsupported start tag "x" at byte offset 4');
  });

  it('rejects an unclosed tag', () => {
    expect(errorOf('<b>bold')).toBe('Can\'t find end tag corresponding to start tag "b"');
    expect(errorOf('x <b')).toBe('Unclosed start tag at byte offset 2');
  });

  it('rejects mis-nested tags', () => {
    expect(errorOf('<b><i>x</b></i>')).toBe(
      'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"',
    );
  });

  it('rejects an end tag with nothing open', () => {
    expect(errorOf('x</b>')).toBe('Unexpected end tag at byte offset 1');
  });

  it('rejects a span that is not a spoiler and a bad custom emoji id', () => {
    expect(errorOf('<span>x</span>')).toBe('Tag "span" must have class "tg-spoiler" at byte offset 0');
    expect(errorOf('<tg-emoji emoji-id="abc">x</tg-emoji>')).toBe(
      'Invalid custom emoji identifier specified',
    );
  });

  it('rejects an unquoted attribute value that is not a name token', () => {
    expect(errorOf('<a href=https://x.com>x</a>')).toBe('Unexpected end of name token at byte offset 8');
  });

  it('rejects a lone surrogate produced by a numeric reference', () => {
    expect(errorOf('&#xD800;')).toMatch(/unmatched surrogate code units/);
  });
});

describe('checkTelegramHtml applies what Telegram does after parsing', () => {
  it('keeps only code when formatting is nested inside it (Telegram drops it silently)', () => {
    expect(parsed('<code>a <b>b</b></code>').entities).toHaveLength(2);
    expect(checkTelegramHtml('<code>a <b>b</b></code>')).toEqual({
      ok: true,
      text: 'a b',
      entities: [{ type: 'code', offset: 0, length: 3 }],
    });
  });

  it('drops a blockquote nested in a blockquote', () => {
    expect(checkTelegramHtml('<blockquote>a<blockquote>b</blockquote></blockquote>')).toEqual({
      ok: true,
      text: 'ab',
      entities: [{ type: 'blockquote', offset: 0, length: 2 }],
    });
  });

  it('drops a plain code entity inside pre', () => {
    expect(checkTelegramHtml('<pre><code>x</code></pre>')).toEqual({
      ok: true,
      text: 'x',
      entities: [{ type: 'pre', offset: 0, length: 1 }],
    });
  });

  it('trims spaces and newlines and rejects what is left empty', () => {
    expect(checkTelegramHtml('\n  <b>hi</b>  \n')).toEqual({
      ok: true,
      text: 'hi',
      entities: [{ type: 'bold', offset: 0, length: 2 }],
    });
    expect(checkTelegramHtml('<i> \n </i>')).toEqual({
      ok: false,
      description: 'Bad Request: message text is empty',
    });
  });

  it('measures length after parsing: 4096 characters of text pass however many tags wrap them', () => {
    expect(checkTelegramHtml(`<b>${'x'.repeat(4096)}</b>`).ok).toBe(true);
    expect(checkTelegramHtml(`<b>${'x'.repeat(4097)}</b>`)).toEqual({
      ok: false,
      description: 'Bad Request: message is too long',
    });
    expect(checkTelegramHtml('&lt;'.repeat(1024), 'caption').ok).toBe(true);
    expect(checkTelegramHtml('&lt;'.repeat(1025), 'caption')).toEqual({
      ok: false,
      description: 'Bad Request: message caption is too long',
    });
  });
});
