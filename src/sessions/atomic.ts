import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';

export type ReadJsonResult<T> =
  | { ok: true; value: T }
  | { ok: false; error: 'missing' }
  /** Not JSON, not matching the schema, or not readable as a file (a directory, no permission). */
  | { ok: false; error: 'malformed'; detail: string };

/** True for the temporary files `writeJsonAtomic` leaves behind only if the process dies mid-write. */
export function isTempFileName(fileName: string): boolean {
  return fileName.startsWith('.') && fileName.endsWith('.tmp');
}

/**
 * Writes `value` as pretty JSON to `filePath` so that readers see either the old content or the
 * new one, never a mix: a temporary file in the same directory is written, fsynced, then renamed
 * over the target. On failure the temporary file is removed and the error rethrown.
 */
export async function writeJsonAtomic(filePath: string, value: unknown): Promise<void> {
  await writeFileAtomic(filePath, `${JSON.stringify(value, null, 2)}\n`);
}

/** Writes `text` to `filePath` atomically and durably (temporary file, fsync, rename, fsync of the folder). */
export async function writeFileAtomic(filePath: string, text: string): Promise<void> {
  const dir = path.dirname(filePath);
  const tempPath = path.join(dir, `.${path.basename(filePath)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tempPath, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tempPath, filePath);
  } catch (error) {
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/** Makes the rename itself durable; some platforms and file systems refuse, which is harmless. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort only.
  }
}

/** Reads and validates a JSON file. Never throws: a missing or bad file is a typed result. */
export async function readJson<S extends z.ZodType>(
  filePath: string,
  schema: S,
): Promise<ReadJsonResult<z.output<S>>> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, error: 'missing' };
    return { ok: false, error: 'malformed', detail: `cannot read the file (${code ?? String(error)})` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: 'malformed', detail: `not valid JSON: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
      .join('; ');
    return { ok: false, error: 'malformed', detail };
  }
  return { ok: true, value: parsed.data };
}
