// Decides whether a path Claude names may be sent to the chat: a regular file inside the session
// directory, after every symbolic link is followed, no bigger than a bot may upload.
import type { FileHandle } from 'node:fs/promises';
import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** Telegram bots upload documents up to 50 MB, photos up to 10 MB. */
export const MAX_SEND_BYTES = 50 * 1024 * 1024;
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

export type FileKind = 'photo' | 'document';

export type SendableCheck =
  | { ok: true; path: string; size: number; kind: FileKind }
  | { ok: false; reason: 'outside'; resolved: string }
  | { ok: false; reason: 'symlink_outside'; resolved: string; target: string }
  | { ok: false; reason: 'missing' | 'directory' | 'not_a_file'; resolved: string }
  | { ok: false; reason: 'too_big'; resolved: string; size: number; limit: number };

function isWithin(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return (
    relative === '' ||
    (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative))
  );
}

async function firstBytes(file: string, count: number): Promise<Buffer> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
    const buffer = Buffer.alloc(count);
    const { bytesRead } = await handle.read(buffer, 0, count, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle?.close();
  }
}

/** PNG, JPEG, GIF or WebP, told by the file's first bytes: what Telegram shows as a photo. */
export function isPhotoFormat(head: Buffer): boolean {
  const ascii = (start: number, end: number) => head.subarray(start, end).toString('latin1');
  return (
    head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ||
    head.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])) ||
    ascii(0, 6) === 'GIF87a' ||
    ascii(0, 6) === 'GIF89a' ||
    (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP')
  );
}

/**
 * Resolves `requested` (absolute, or relative to the session directory) and checks it. The
 * lexical check comes first, so `../secret` is "outside" whether or not it exists; then the real
 * path, so a link inside pointing out is caught.
 */
export async function checkSendable(sessionDir: string, requested: string): Promise<SendableCheck> {
  const resolved = path.resolve(sessionDir, requested);
  const realSessionDir = await realpath(sessionDir);
  if (!isWithin(resolved, sessionDir) && !isWithin(resolved, realSessionDir)) {
    return { ok: false, reason: 'outside', resolved };
  }
  let real: string;
  try {
    real = await realpath(resolved);
  } catch {
    return { ok: false, reason: 'missing', resolved };
  }
  if (!isWithin(real, realSessionDir))
    return { ok: false, reason: 'symlink_outside', resolved, target: real };
  const stats = await stat(real);
  if (stats.isDirectory()) return { ok: false, reason: 'directory', resolved };
  if (!stats.isFile()) return { ok: false, reason: 'not_a_file', resolved };
  if (stats.size > MAX_SEND_BYTES) {
    return { ok: false, reason: 'too_big', resolved, size: stats.size, limit: MAX_SEND_BYTES };
  }
  // A file that only claims to be an image (by its name) would make sendPhoto fail: go by content.
  const photo = stats.size <= MAX_PHOTO_BYTES && isPhotoFormat(await firstBytes(real, 12));
  return { ok: true, path: real, size: stats.size, kind: photo ? 'photo' : 'document' };
}
