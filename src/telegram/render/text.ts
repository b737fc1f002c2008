const NEEDS_ESCAPE = /[&<>]/;
const ZERO_WIDTH = /\p{Mn}|\p{Me}|\u200d|[\ufe00-\ufe0f]/u;

/** Escapes text for Telegram's HTML parse mode, where `<`, `>` and `&` must always be entities. */
export function escapeHtml(text: string): string {
  // Most text has nothing to escape: a search is far cheaper than a replace with a callback.
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Escapes text for use inside a double-quoted HTML attribute value. */
export function escapeAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/**
 * Moves a cut position left so that it never falls between the two halves of a surrogate pair.
 * `safeCutIndex('a😀', 2)` is 1: cutting at 2 would leave half of the emoji on each side.
 */
export function safeCutIndex(text: string, index: number): number {
  if (index <= 0 || index >= text.length) return Math.max(0, Math.min(index, text.length));
  const before = text.charCodeAt(index - 1);
  const after = text.charCodeAt(index);
  return isHighSurrogate(before) && isLowSurrogate(after) ? index - 1 : index;
}

/**
 * Shortens text to at most `max` UTF-16 code units, ending with `…` when something was cut.
 * Never splits a surrogate pair: `truncateUtf16('hello world', 8)` is `'hello w…'`.
 */
export function truncateUtf16(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  return `${text.slice(0, safeCutIndex(text, max - 1))}…`;
}

/** Keeps the end of the text, at most `max` UTF-16 code units, starting with `…` when something was cut. */
export function truncateUtf16Start(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let start = text.length - (max - 1);
  if (isLowSurrogate(text.charCodeAt(start)) && isHighSurrogate(text.charCodeAt(start - 1))) start++;
  return `…${text.slice(start)}`;
}

/**
 * Columns a string takes in a monospace font on a phone: wide East Asian characters and emoji take two,
 * combining marks and variation selectors none. Approximate, good enough to align table columns.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    // Below U+0300 (where combining marks start) every character is one column: no regex needed.
    if (code < 0x300) {
      width++;
      continue;
    }
    if (ZERO_WIDTH.test(char)) continue;
    const wide =
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) ||
      (code >= 0x1f300 && code <= 0x1faff) ||
      (code >= 0x20000 && code <= 0x3fffd);
    width += wide ? 2 : 1;
  }
  return width;
}
