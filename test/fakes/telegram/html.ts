// Telegram's HTML parse mode, following tdlib's parse_html (td/telegram/MessageEntity.cpp), which the
// Bot API server runs. It works on UTF-8 bytes, so error offsets are byte offsets like Telegram's.
// Telegram's lenient corners are kept on purpose: a `&` that starts no known entity stays literal,
// `&lt` without `;` still decodes, unknown attributes are ignored and `</>` closes any open tag.

export type EntityType =
  | 'bold'
  | 'italic'
  | 'underline'
  | 'strikethrough'
  | 'spoiler'
  | 'code'
  | 'pre'
  | 'text_link'
  | 'custom_emoji'
  | 'blockquote'
  | 'expandable_blockquote'
  | 'bot_command'
  | 'mention'
  | 'url';

export interface MessageEntity {
  type: EntityType;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

export type HtmlParseResult =
  | { ok: true; text: string; entities: MessageEntity[] }
  | { ok: false; error: string };

const SUPPORTED_TAGS = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  's',
  'strike',
  'del',
  'u',
  'ins',
  'tg-spoiler',
  'tg-emoji',
  'span',
  'pre',
  'code',
  'blockquote',
]);

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const SEMICOLON = 0x3b;
const HASH = 0x23;

// tdlib reads a NUL-terminated string; NUL counts as space there.
const isSpace = (c: number): boolean =>
  c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0 || c === 0x0b;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isAlnum = (c: number): boolean => isDigit(c) || isAlpha(c);
const isHexDigit = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const isFirstCodeUnit = (c: number): boolean => (c & 0xc0) !== 0x80;

interface OpenTag {
  tagName: string;
  argument: string;
  entityOffset: number;
  outputStart: number;
}

class ByteReader {
  constructor(readonly bytes: Buffer) {}
  at(i: number): number {
    return i < this.bytes.length ? (this.bytes[i] as number) : 0;
  }
  slice(from: number, to: number): string {
    return this.bytes.subarray(from, to).toString('utf8');
  }
}

/** Decodes an HTML entity at `pos` (which holds `&`); returns the code point and the next position, or null. */
function decodeEntity(src: ByteReader, pos: number): { code: number; next: number } | null {
  let end = pos + 1;
  let code = 0;
  if (src.at(pos + 1) === HASH) {
    end++;
    if (src.at(pos + 2) === 0x78) {
      end++;
      while (isHexDigit(src.at(end))) {
        code = code * 16 + Number.parseInt(String.fromCharCode(src.at(end)), 16);
        end++;
      }
    } else {
      while (isDigit(src.at(end))) {
        code = code * 10 + (src.at(end) - 0x30);
        end++;
      }
    }
    if (code === 0 || code >= 0x10ffff || end - pos >= 10) return null;
  } else {
    while (isAlpha(src.at(end))) end++;
    const name = src.slice(pos + 1, end);
    const named: Record<string, number> = { lt: LT, gt: GT, amp: AMP, quot: DQUOTE };
    const found = named[name];
    if (found === undefined) return null;
    code = found;
  }
  return { code, next: src.at(end) === SEMICOLON ? end + 1 : end };
}

function encodeCodePoint(code: number): Buffer {
  // Lone surrogates from numeric references are caught later, as tdlib does.
  if (code >= 0xd800 && code <= 0xdfff) {
    return Buffer.from([0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]);
  }
  return Buffer.from(String.fromCodePoint(code), 'utf8');
}

function isValidUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Telegram keeps a link only when the URL is acceptable; otherwise the text stays plain. */
export function checkLink(raw: string): string | null {
  const trimmed = raw.trim();
  if (trimmed === '') return null;
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(trimmed);
  const candidate = hasScheme ? trimmed : `http://${trimmed}`;
  let parsed: URL;
  try {
    parsed = new URL(candidate);
  } catch {
    return null;
  }
  const scheme = parsed.protocol.toLowerCase();
  if (scheme === 'tg:' || scheme === 'ton:' || scheme === 'tonsite:') return candidate;
  if (scheme !== 'http:' && scheme !== 'https:') return null;
  if (!parsed.hostname.includes('.') && parsed.hostname !== 'localhost') return null;
  return hasScheme ? trimmed : candidate;
}

type StartTagResult =
  | { ok: true; next: number; tag: string; argument: string }
  | { ok: false; error: string };

function parseStartTag(src: ByteReader, beginPos: number): StartTagResult {
  let i = beginPos + 1;
  while (!isSpace(src.at(i)) && src.at(i) !== GT) i++;
  if (src.at(i) === 0) return { ok: false, error: `Unclosed start tag at byte offset ${beginPos}` };
  const tag = src.slice(beginPos + 1, i).toLowerCase();
  if (!SUPPORTED_TAGS.has(tag)) {
    return { ok: false, error: `Unsupported start tag "${tag}" at byte offset ${beginPos}` };
  }
  let argument = '';
  while (src.at(i) !== GT) {
    while (src.at(i) !== 0 && isSpace(src.at(i))) i++;
    if (src.at(i) === GT) break;
    const nameStart = i;
    while (!isSpace(src.at(i)) && ![EQUALS, GT, SLASH, DQUOTE, SQUOTE].includes(src.at(i))) {
      i++;
    }
    const attributeName = src.slice(nameStart, i);
    if (attributeName === '') {
      return { ok: false, error: `Empty attribute name in the tag "${tag}" at byte offset ${beginPos}` };
    }
    while (src.at(i) !== 0 && isSpace(src.at(i))) i++;
    if (src.at(i) !== EQUALS) {
      if (src.at(i) === 0)
        return { ok: false, error: `Unclosed start tag "${tag}" at byte offset ${beginPos}` };
      if (tag === 'blockquote' && attributeName === 'expandable') argument = '1';
      continue;
    }
    i++;
    while (src.at(i) !== 0 && isSpace(src.at(i))) i++;
    if (src.at(i) === 0)
      return { ok: false, error: `Unclosed start tag "${tag}" at byte offset ${beginPos}` };
    let value: string;
    if (src.at(i) !== SQUOTE && src.at(i) !== DQUOTE) {
      const tokenStart = i;
      while (isAlnum(src.at(i)) || src.at(i) === 0x2e || src.at(i) === 0x2d) i++;
      value = src.slice(tokenStart, i).toLowerCase();
      if (!isSpace(src.at(i)) && src.at(i) !== GT) {
        return { ok: false, error: `Unexpected end of name token at byte offset ${tokenStart}` };
      }
    } else {
      const quote = src.at(i++);
      const parts: Buffer[] = [];
      let runStart = i;
      while (src.at(i) !== quote && src.at(i) !== 0) {
        if (src.at(i) === AMP) {
          const decoded = decodeEntity(src, i);
          if (decoded) {
            parts.push(src.bytes.subarray(runStart, i), encodeCodePoint(decoded.code));
            i = decoded.next;
            runStart = i;
            continue;
          }
        }
        i++;
      }
      parts.push(src.bytes.subarray(runStart, i));
      value = Buffer.concat(parts).toString('utf8');
      if (src.at(i) === quote) i++;
    }
    if (src.at(i) === 0) return { ok: false, error: `Unclosed start tag at byte offset ${beginPos}` };
    if (tag === 'a' && attributeName === 'href') argument = value;
    else if (tag === 'code' && attributeName === 'class' && value.startsWith('language-'))
      argument = value.slice(9);
    else if (tag === 'span' && attributeName === 'class' && value.startsWith('tg-'))
      argument = value.slice(3);
    else if (tag === 'tg-emoji' && attributeName === 'emoji-id') argument = value;
    else if (tag === 'blockquote' && attributeName === 'expandable') argument = '1';
  }
  if (tag === 'span' && argument !== 'spoiler') {
    return { ok: false, error: `Tag "span" must have class "tg-spoiler" at byte offset ${beginPos}` };
  }
  return { ok: true, next: i, tag, argument };
}

const SIMPLE_TAG_TYPES: Record<string, EntityType> = {
  i: 'italic',
  em: 'italic',
  b: 'bold',
  strong: 'bold',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  u: 'underline',
  ins: 'underline',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
};

/** Parses Telegram-flavoured HTML into plain text plus entities, or returns tdlib's error text. */
export function parseTelegramHtml(html: string): HtmlParseResult {
  const src = new ByteReader(Buffer.from(html, 'utf8'));
  const output: Buffer[] = [];
  let outputLength = 0;
  const emit = (chunk: Buffer): void => {
    output.push(chunk);
    outputLength += chunk.length;
  };
  const entities: Array<MessageEntity & { codeArgument?: string }> = [];
  const open: OpenTag[] = [];
  let utf16 = 0;
  let mayHaveLoneSurrogate = false;

  for (let i = 0; i < src.bytes.length; i++) {
    const c = src.at(i);
    if (c === AMP) {
      const decoded = decodeEntity(src, i);
      if (decoded) {
        utf16 += decoded.code > 0xffff ? 2 : 1;
        if (decoded.code >= 0xd800 && decoded.code <= 0xdfff) mayHaveLoneSurrogate = true;
        emit(encodeCodePoint(decoded.code));
        i = decoded.next - 1;
        continue;
      }
    }
    if (c !== LT) {
      if (isFirstCodeUnit(c)) utf16 += c >= 0xf0 ? 2 : 1;
      emit(src.bytes.subarray(i, i + 1));
      continue;
    }

    const beginPos = i;
    if (src.at(i + 1) !== SLASH) {
      const start = parseStartTag(src, beginPos);
      if (!start.ok) return start;
      i = start.next;
      open.push({
        tagName: start.tag,
        argument: start.argument,
        entityOffset: utf16,
        outputStart: outputLength,
      });
      continue;
    }

    const top = open.at(-1);
    if (!top) return { ok: false, error: `Unexpected end tag at byte offset ${beginPos}` };
    i += 2;
    while (!isSpace(src.at(i)) && src.at(i) !== GT) i++;
    const endTag = src.slice(beginPos + 2, i).toLowerCase();
    while (isSpace(src.at(i)) && src.at(i) !== 0) i++;
    if (src.at(i) !== GT) return { ok: false, error: `Unclosed end tag at byte offset ${beginPos}` };
    if (endTag !== '' && endTag !== top.tagName) {
      return {
        ok: false,
        error: `Unmatched end tag at byte offset ${beginPos}, expected "</${top.tagName}>", found "</${endTag}>"`,
      };
    }
    if (utf16 > top.entityOffset) {
      const offset = top.entityOffset;
      const length = utf16 - offset;
      const last = entities.at(-1);
      const simple = SIMPLE_TAG_TYPES[top.tagName];
      if (simple) {
        entities.push({ type: simple, offset, length });
      } else if (top.tagName === 'tg-emoji') {
        if (!/^-?\d+$/.test(top.argument) || BigInt(top.argument) === 0n) {
          return { ok: false, error: 'Invalid custom emoji identifier specified' };
        }
        entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: top.argument });
      } else if (top.tagName === 'a') {
        const inner = Buffer.concat(output).subarray(top.outputStart).toString('utf8');
        const url = checkLink(top.argument === '' ? inner : top.argument);
        if (url !== null) entities.push({ type: 'text_link', offset, length, url });
      } else if (top.tagName === 'pre') {
        const wrapsCode =
          last?.type === 'code' && last.offset === offset && last.length === length && last.codeArgument;
        if (wrapsCode && last) {
          entities[entities.length - 1] = { type: 'pre', offset, length, language: last.codeArgument ?? '' };
        } else {
          entities.push({ type: 'pre', offset, length });
        }
      } else if (top.tagName === 'code') {
        const insidePre =
          last?.type === 'pre' && last.offset === offset && last.length === length && top.argument !== '';
        if (insidePre && last) {
          last.language = top.argument;
        } else {
          entities.push({ type: 'code', offset, length, codeArgument: top.argument });
        }
      } else {
        entities.push({ type: top.argument === '' ? 'blockquote' : 'expandable_blockquote', offset, length });
      }
    }
    open.pop();
  }
  const unclosed = open.at(-1);
  if (unclosed) {
    return { ok: false, error: `Can't find end tag corresponding to start tag "${unclosed.tagName}"` };
  }
  const bytes = Buffer.concat(output);
  if (mayHaveLoneSurrogate && !isValidUtf8(bytes)) {
    return {
      ok: false,
      error:
        'Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units',
    };
  }
  const cleaned: MessageEntity[] = entities.map(({ codeArgument: _ignored, ...entity }) => entity);
  return { ok: true, text: bytes.toString('utf8'), entities: sortEntities(cleaned) };
}

const TYPE_PRIORITY: Record<EntityType, number> = {
  mention: 50,
  bot_command: 50,
  url: 50,
  bold: 90,
  italic: 91,
  code: 20,
  pre: 11,
  text_link: 49,
  underline: 92,
  strikethrough: 93,
  blockquote: 0,
  expandable_blockquote: 0,
  spoiler: 94,
  custom_emoji: 99,
};

/** tdlib's order: by offset, longer first, then by type priority. */
export function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return [...entities].sort(
    (a, b) => a.offset - b.offset || b.length - a.length || TYPE_PRIORITY[a.type] - TYPE_PRIORITY[b.type],
  );
}
