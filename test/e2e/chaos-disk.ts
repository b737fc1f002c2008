/**
 * A real disk fault for DATA_DIR, for the chaos run: the folder is a small tmpfs of its own, which
 * can be filled to the last byte (ENOSPC) and made read-only, then given back, so the bot meets what
 * a full or read-only disk does to it. Read-only is every file and folder marked immutable
 * (`chattr +i`: writes fail with EPERM, through files the bot already holds open too): a read-only
 * remount is refused while the bot holds its journal open for writing. Root only (mount needs
 * CAP_SYS_ADMIN); `mountDataDisk` says so plainly when it is not allowed.
 */
import { execFile } from 'node:child_process';
import { open, readdir, readFile, rm, statfs } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const FILLER = '.chaos-filler';

export interface DataDisk {
  readOnly(): Promise<void>;
  writable(): Promise<void>;
  /** Fills the disk until a write fails with ENOSPC. */
  fill(): Promise<void>;
  /** Frees what `fill` took. */
  unfill(): Promise<void>;
  /** Whether the disk has no room left (fewer than one page free). */
  isFull(): Promise<boolean>;
  /** Unmounts (lazily, should the bot still hold a file open). */
  unmount(): Promise<void>;
}

export async function mountDataDisk(dir: string, sizeMb = 32): Promise<DataDisk> {
  await run('mkdir', ['-p', dir]);
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'tmpfs', dir]);
  } catch (error) {
    throw new Error(
      `the chaos run mounts a small tmpfs as DATA_DIR for a real read-only and full disk, which needs root (CAP_SYS_ADMIN): ${String(error)}`,
    );
  }
  const immutable = (on: boolean) => run('chattr', ['-R', on ? '+i' : '-i', dir]);
  const filler = path.join(dir, FILLER);
  return {
    readOnly: async () => {
      await immutable(true);
    },
    writable: async () => {
      await immutable(false);
    },
    async fill() {
      const handle = await open(filler, 'a');
      const chunk = Buffer.alloc(64 * 1024, 0x2e);
      try {
        for (;;) {
          const { bytesWritten } = await handle.write(chunk);
          if (bytesWritten === 0) break;
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        await handle.close();
      }
    },
    unfill: () => rm(filler, { force: true }),
    async isFull() {
      const stats = await statfs(dir);
      return stats.bavail === 0;
    },
    async unmount() {
      await run('umount', ['-l', dir]).catch(() => undefined);
    },
  };
}

/**
 * Every `metadata.json` under DATA_DIR/sessions and `state/chats.json` that does not parse as
 * JSON, except those listed in `damagedOnPurpose`: after a disk fault this must be empty.
 */
export async function unparsableFiles(dataDir: string, damagedOnPurpose: string[] = []): Promise<string[]> {
  const files = [path.join(dataDir, 'state', 'chats.json')];
  const sessions = await readdir(path.join(dataDir, 'sessions')).catch(() => [] as string[]);
  for (const name of sessions) files.push(path.join(dataDir, 'sessions', name, 'metadata.json'));
  const bad: string[] = [];
  for (const file of files) {
    if (damagedOnPurpose.includes(file)) continue;
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    try {
      JSON.parse(text);
    } catch {
      bad.push(path.relative(dataDir, file));
    }
  }
  return bad;
}
