/**
 * Tool input shown on a card comes from Claude, who may have read it from anywhere (a web page, a
 * file in the repository). Characters that could hide or disguise what a command does are shown as
 * visible marks instead of passed raw: terminal escape sequences and other control characters as
 * their Unicode control pictures (`␛[31m`), bidi overrides, invisible characters and tag characters
 * as `⟨U+202E⟩`. Newlines and tabs stay; a lone surrogate becomes `�`.
 */

const CONTROL_PICTURES_START = 0x2400;
const DELETE_PICTURE = '\u2421';

// Each of these changes how the text around it looks without being seen itself.
const INVISIBLE =
  /[\u0080-\u009f\u00ad\u061c\u180e\u200b\u200c\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]|[\u{e0000}-\u{e007f}]/u;

const codePoint = (char: string): string =>
  `⟨U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}⟩`;

/**
 * The text with every hiding character made visible.
 * `visible('ls\u001b[2Jrm')` is `'ls␛[2Jrm'`; `visible('a\u202Eb')` is `'a⟨U+202E⟩b'`.
 */
export function visible(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\n' || char === '\t') out += char;
    else if (code < 0x20) out += String.fromCharCode(CONTROL_PICTURES_START + code);
    else if (code === 0x7f) out += DELETE_PICTURE;
    else if (code >= 0xd800 && code <= 0xdfff) out += '\ufffd';
    else if (INVISIBLE.test(char)) out += codePoint(char);
    else out += char;
  }
  return out;
}
