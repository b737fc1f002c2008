// The name a received file gets in the session's inbox: timestamped, and the sender's name kept only
// as far as it is safe (no path parts, no control or bidi characters, no leading dot, bounded length).

/** Bytes for the part after the timestamp; file systems allow 255 for a whole name. */
const MAX_NAME_BYTES = 120;
const MAX_EXTENSION_BYTES = 16;

// Controls (C0, DEL, C1) and format characters: the bidi overrides and isolates, zero-width
// characters and the BOM, which could make `evil\u202Egnp.exe` read as `evilexe.png`.
const UNSAFE = /[\p{Cc}\p{Cf}]/gu;
// Reserved on Windows shares and awkward in shells; a slash or backslash never survives basename().
const AWKWARD = /[<>:"|?*]/g;

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Cuts `text` to at most `bytes` UTF-8 bytes without splitting a character. */
function truncateUtf8(text: string, bytes: number): string {
  let result = '';
  for (const char of text) {
    if (utf8Length(result + char) > bytes) break;
    result += char;
  }
  return result;
}

/** `YYYYMMDD-HHMMSS` in UTC. */
export function inboxTimestamp(at: Date): string {
  const iso = at.toISOString(); // 2025-01-31T12:34:56.789Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/** The sender's name made safe, or `fallback` when nothing usable is left. */
export function safeBaseName(original: string | undefined, fallback: string): string {
  const lastPart = (original ?? '').split(/[/\\]/).pop() ?? '';
  const cleaned = lastPart
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .replace(UNSAFE, '')
    .replace(AWKWARD, '_')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (cleaned === '') return fallback;
  if (utf8Length(cleaned) <= MAX_NAME_BYTES) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 ? cleaned.slice(dot) : '';
  if (extension !== '' && utf8Length(extension) <= MAX_EXTENSION_BYTES) {
    return truncateUtf8(cleaned.slice(0, dot), MAX_NAME_BYTES - utf8Length(extension)).trimEnd() + extension;
  }
  return truncateUtf8(cleaned, MAX_NAME_BYTES).trimEnd();
}

/** `YYYYMMDD-HHMMSS-<safe name>`: the file name in `inbox/`. */
export function inboxFileName(original: string | undefined, at: Date, fallback = 'file'): string {
  return `${inboxTimestamp(at)}-${safeBaseName(original, fallback)}`;
}

/** `name.ext` → `name-2.ext`: the next free name when a file of the same name arrived in the same second. */
export function numberedFileName(fileName: string, number: number): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? `${fileName.slice(0, dot)}-${number}${fileName.slice(dot)}` : `${fileName}-${number}`;
}
