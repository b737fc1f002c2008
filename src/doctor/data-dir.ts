import { randomBytes } from 'node:crypto';
import { mkdir, statfs, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type CheckResult, fail, ok, reasonOf, warn } from './check.ts';

const NAME = 'DATA_DIR';
/** Below this the bot cannot be trusted to write sessions and archives: a failure. */
const MIN_FREE_BYTES = 100 * 1024 ** 2;
/** Below this, a warning: archives and Claude's transcripts grow. */
const LOW_FREE_BYTES = 1024 ** 3;

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** DATA_DIR exists (or can be made), a file can be written in it, and its file system has room. */
export async function checkDataDir(dataDir: string): Promise<CheckResult> {
  const probe = path.join(dataDir, `.doctor-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dataDir, { recursive: true });
    await writeFile(probe, 'doctor\n', { flag: 'wx' });
    await unlink(probe);
  } catch (error) {
    return fail(
      NAME,
      `${dataDir} is not writable (${reasonOf(error)})`,
      'set DATA_DIR to a directory this user owns, or fix its owner and permissions',
    );
  }
  const stats = await statfs(dataDir);
  const free = stats.bavail * stats.bsize;
  const detail = `${dataDir} is writable, ${formatBytes(free)} free`;
  if (free < MIN_FREE_BYTES) return fail(NAME, detail, 'free disk space, or move DATA_DIR to a larger disk');
  if (free < LOW_FREE_BYTES)
    return warn(NAME, detail, 'sessions, transcripts and archives grow: free some disk space');
  return ok(NAME, detail);
}
