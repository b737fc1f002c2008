import { escapeHtml } from '../render/index.ts';

/**
 * Escapes text for Telegram HTML and cuts it so the escaped form is at most `max` characters, ending
 * with `…` when cut. Counting after escaping keeps a card within its budget even for text made of
 * `<`, `>` and `&`; cutting before escaping never splits an entity or a surrogate pair.
 * `escapeCut('a<b', 5)` is `'a…'` (`a&lt;` would leave no room for the ellipsis).
 */
export function escapeCut(text: string, max: number): string {
  const whole = escapeHtml(text);
  if (whole.length <= max) return whole;
  let out = '';
  for (const char of text) {
    const piece = escapeHtml(char);
    if (out.length + piece.length > max - 1) break;
    out += piece;
  }
  return `${out}…`;
}
