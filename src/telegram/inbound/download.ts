// Downloads a file the owner sent into the session's inbox: getFile, then the file URL, streamed to
// disk through a byte counter, so memory stays flat and an oversized file is cut off mid-stream.
// Nothing is left on disk unless the whole file arrived.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { GrammyError } from 'grammy';
import { numberedFileName } from './file-name.ts';

export interface TelegramFiles {
  /** The Bot API's getFile, e.g. grammY's `bot.api.getFile`. */
  getFile(fileId: string): Promise<{ file_path?: string; file_size?: number }>;
  /** TELEGRAM_API_ROOT, without a trailing slash. */
  apiRoot: string;
  token: string;
  fetch?: typeof fetch;
}

export interface DownloadRequest {
  fileId: string;
  /** The size Telegram announced in the message, if it did. */
  fileSize?: number;
  /** The safe inbox name (see inboxFileName). */
  fileName: string;
  inboxDir: string;
  maxBytes: number;
  /** Gives up on a download taking longer (default five minutes). */
  timeoutMs?: number;
}

export type DownloadOutcome =
  | { kind: 'saved'; path: string; size: number }
  /** Refused before or while downloading; `size` when it was known. */
  | { kind: 'too_big'; size?: number; limit: number }
  | { kind: 'failed'; reason: 'telegram' | 'network' | 'disk'; detail: string };

class TooBig extends Error {}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
/** getFile's cap on Telegram's servers, and on a self-hosted one not in --local mode. */
const BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

async function removeQuietly(file: string): Promise<void> {
  await unlink(file).catch(() => undefined);
}

/** Hard-links the finished file under the first free name, so nothing already there is replaced. */
async function claimName(partial: string, inboxDir: string, fileName: string): Promise<string> {
  for (let number = 1; ; number++) {
    const candidate = path.join(inboxDir, number === 1 ? fileName : numberedFileName(fileName, number));
    try {
      await link(partial, candidate);
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || number >= 1000) throw error;
    }
  }
}

async function openSource(
  files: TelegramFiles,
  filePath: string,
  signal: AbortSignal,
): Promise<{ stream: Readable; declaredSize?: number } | { status: number }> {
  // A self-hosted Bot API server in --local mode answers an absolute path on its own disk.
  if (path.isAbsolute(filePath)) return { stream: createReadStream(filePath) };
  const url = `${files.apiRoot}/file/bot${files.token}/${filePath.split('/').map(encodeURIComponent).join('/')}`;
  const response = await (files.fetch ?? fetch)(url, { signal });
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    return { status: response.status };
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  return {
    stream: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
    ...(Number.isFinite(declared) ? { declaredSize: declared } : {}),
  };
}

export async function downloadToInbox(
  files: TelegramFiles,
  request: DownloadRequest,
): Promise<DownloadOutcome> {
  const limit = request.maxBytes;
  if (request.fileSize !== undefined && request.fileSize > limit) {
    return { kind: 'too_big', size: request.fileSize, limit };
  }
  let file: { file_path?: string; file_size?: number };
  try {
    file = await files.getFile(request.fileId);
  } catch (error) {
    if (error instanceof GrammyError && /file is too big/i.test(error.description)) {
      // The server's cap, not ours: "25 MB; I take files up to 2000 MB" would make no sense.
      return {
        kind: 'too_big',
        ...(request.fileSize !== undefined ? { size: request.fileSize } : {}),
        limit: Math.min(limit, BOT_API_DOWNLOAD_LIMIT),
      };
    }
    const detail = error instanceof GrammyError ? error.description : 'the Bot API could not be reached';
    return { kind: 'failed', reason: 'telegram', detail };
  }
  if (file.file_size !== undefined && file.file_size > limit)
    return { kind: 'too_big', size: file.file_size, limit };
  if (!file.file_path) return { kind: 'failed', reason: 'telegram', detail: 'getFile gave no file_path' };

  const signal = AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let source: Awaited<ReturnType<typeof openSource>>;
  try {
    source = await openSource(files, file.file_path, signal);
  } catch {
    return { kind: 'failed', reason: 'network', detail: 'the file could not be fetched from the Bot API' };
  }
  if ('status' in source) return { kind: 'failed', reason: 'telegram', detail: `HTTP ${source.status}` };
  if (source.declaredSize !== undefined && source.declaredSize > limit) {
    source.stream.destroy();
    return { kind: 'too_big', size: source.declaredSize, limit };
  }

  await mkdir(request.inboxDir, { recursive: true });
  // Unique: the photos of an album share a name (the same second) and may download in the same millisecond.
  const partial = path.join(request.inboxDir, `.${request.fileName}.${randomUUID()}.part`);
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      done(received > limit ? new TooBig() : null, chunk);
    },
  });
  try {
    await pipeline(source.stream, counter, createWriteStream(partial, { flags: 'wx' }), { signal });
    const saved = await claimName(partial, request.inboxDir, request.fileName);
    return { kind: 'saved', path: saved, size: received };
  } catch (error) {
    if (error instanceof TooBig) return { kind: 'too_big', limit };
    const code = (error as NodeJS.ErrnoException).code;
    const onDisk = typeof code === 'string' && /^E[A-Z]+$/.test(code) && code !== 'ECONNRESET';
    return onDisk
      ? { kind: 'failed', reason: 'disk', detail: code }
      : {
          kind: 'failed',
          reason: 'network',
          detail: signal.aborted ? 'timed out' : 'the download broke off',
        };
  } finally {
    await removeQuietly(partial);
  }
}
