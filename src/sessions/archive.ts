import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * `/archive`'s storage: a session directory and its Claude Code transcripts packed into
 * `DATA_DIR/sessions_archive/<name>-<timestamp>.tar.gz`, then removed. Packed by the system `tar`
 * (GNU tar or bsdtar, both take `-C` per operand): the archive streams straight to disk, the two
 * roots (the session directory, Claude's projects directory) need no staging copy, and a plain
 * `tar -xzf` restores it.
 */

export interface SessionTranscripts {
  /** Claude Code's directory for the session's working directory (see `claudeProjectDir`). */
  projectDir: string;
  /** The Claude session ids whose transcripts (`<id>.jsonl`, and `<id>/` where present) go along. */
  sessionIds: readonly string[];
}

export interface ArchiveSessionInput {
  name: string;
  /** `DATA_DIR/sessions/<name>`: packed as `<name>/` in the archive. */
  sessionDir: string;
  /** Packed as `./<project dir name>/<id>.jsonl`, to extract under Claude's `projects/` again. */
  transcripts?: SessionTranscripts;
  /** `DATA_DIR/sessions_archive` */
  archiveDir: string;
  now: Date;
  /** Default `tar` from PATH. */
  tarCommand?: string;
}

export type ArchiveOutcome =
  | { kind: 'archived'; file: string; bytes: number; transcripts: number }
  | { kind: 'no-session' }
  /** Nothing was removed; no partial archive is left behind. */
  | { kind: 'failed'; stage: 'pack' | 'exists'; detail: string }
  /** The archive is complete and durable, but the session (or a transcript) could not be removed. */
  | { kind: 'not-removed'; file: string; bytes: number; detail: string };

export interface ArchiveInfo {
  file: string;
  name: string;
  archivedAt: Date;
  bytes: number;
}

const ARCHIVE_FILE = /^([A-Za-z0-9][A-Za-z0-9_-]{0,31})-(\d{8}T\d{6}Z)\.tar\.gz$/;
/** Claude Code keeps project directory names up to this length, then shortens them with a hash. */
const PROJECT_NAME_MAX = 200;

/** `2026-01-02T03:04:05.678Z` → `20260102T030405Z` */
export function archiveTimestamp(now: Date): string {
  return now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/**
 * Where Claude Code keeps the transcripts of sessions run in `cwd`: `<configDir>/projects/` plus
 * `cwd` with every non-alphanumeric as `-` (REFERENCE.md §1). `configDir` is `CLAUDE_CONFIG_DIR`,
 * else `~/.claude`. A name over 200 characters is shortened by Claude with a hash: found by prefix.
 */
export async function claudeProjectDir(configDir: string, cwd: string): Promise<string> {
  const projects = path.join(configDir, 'projects');
  const munged = cwd.replace(/[^a-zA-Z0-9]/g, '-');
  if (munged.length <= PROJECT_NAME_MAX) return path.join(projects, munged);
  const prefix = `${munged.slice(0, PROJECT_NAME_MAX)}-`;
  const entries = await readdir(projects).catch(() => [] as string[]);
  const found = entries.find((entry) => entry.startsWith(prefix));
  return path.join(projects, found ?? munged.slice(0, PROJECT_NAME_MAX));
}

/**
 * Packs the session and its transcripts, makes the archive durable (fsync, rename, directory
 * fsync), and only then removes them. Any failure before that leaves the session as it was.
 */
export async function archiveSession(input: ArchiveSessionInput): Promise<ArchiveOutcome> {
  if (!(await isDirectory(input.sessionDir))) return { kind: 'no-session' };
  try {
    await mkdir(input.archiveDir, { recursive: true });
  } catch (error) {
    return { kind: 'failed', stage: 'pack', detail: errorText(error) };
  }
  const fileName = `${input.name}-${archiveTimestamp(input.now)}.tar.gz`;
  const file = path.join(input.archiveDir, fileName);
  if (await exists(file)) return { kind: 'failed', stage: 'exists', detail: `${fileName} already exists` };

  const projectDir = input.transcripts?.projectDir;
  const transcriptPaths = await presentTranscripts(input.transcripts);
  const tempFile = path.join(input.archiveDir, `.${fileName}.${randomBytes(6).toString('hex')}.tmp`);
  const args = ['-czf', tempFile, '-C', path.dirname(input.sessionDir), path.basename(input.sessionDir)];
  if (projectDir !== undefined && transcriptPaths.length > 0) {
    const projectName = path.basename(projectDir);
    // `./` first: the project directory's name starts with `-`, which tar would take as an option.
    args.push('-C', path.dirname(projectDir));
    args.push(...transcriptPaths.map((entry) => `./${projectName}/${entry}`));
  }

  try {
    await runTar(input.tarCommand ?? 'tar', args);
    await fsyncFile(tempFile);
    await rename(tempFile, file);
    await fsyncDirectory(input.archiveDir);
  } catch (error) {
    await unlink(tempFile).catch(() => undefined);
    return { kind: 'failed', stage: 'pack', detail: errorText(error) };
  }
  const { size: bytes } = await stat(file);

  try {
    await rm(input.sessionDir, { recursive: true, force: true });
    for (const entry of transcriptPaths)
      if (projectDir !== undefined) await rm(path.join(projectDir, entry), { recursive: true, force: true });
  } catch (error) {
    return { kind: 'not-removed', file, bytes, detail: errorText(error) };
  }
  const transcripts = transcriptPaths.filter((entry) => entry.endsWith('.jsonl')).length;
  return { kind: 'archived', file, bytes, transcripts };
}

/** The archives in `archiveDir`, newest first; a missing directory is an empty list. */
export async function listArchives(archiveDir: string): Promise<ArchiveInfo[]> {
  const entries = await readdir(archiveDir).catch(() => [] as string[]);
  const archives: ArchiveInfo[] = [];
  for (const entry of entries) {
    const match = ARCHIVE_FILE.exec(entry);
    if (!match?.[1] || !match[2]) continue;
    const file = path.join(archiveDir, entry);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) continue;
    const t = match[2];
    const archivedAt = new Date(
      `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(9, 11)}:${t.slice(11, 13)}:${t.slice(13, 15)}Z`,
    );
    archives.push({ file, name: match[1], archivedAt, bytes: info.size });
  }
  return archives.sort(
    (a, b) => b.archivedAt.getTime() - a.archivedAt.getTime() || a.name.localeCompare(b.name),
  );
}

/** The transcript entries (relative to the project directory) that exist. */
async function presentTranscripts(transcripts: SessionTranscripts | undefined): Promise<string[]> {
  if (!transcripts) return [];
  const present: string[] = [];
  for (const id of transcripts.sessionIds) {
    if (!/^[A-Za-z0-9-]+$/.test(id)) continue;
    for (const entry of [`${id}.jsonl`, id]) {
      if (await exists(path.join(transcripts.projectDir, entry))) present.push(entry);
    }
  }
  return present;
}

function runTar(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 2_000) stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`tar exited with ${signal ?? code}: ${stderr.trim().split('\n')[0] ?? ''}`));
    });
  });
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes the rename durable; some file systems refuse to fsync a directory, which is harmless. */
async function fsyncDirectory(dir: string): Promise<void> {
  await fsyncFile(dir).catch(() => undefined);
}

async function isDirectory(dir: string): Promise<boolean> {
  return (await stat(dir).catch(() => undefined))?.isDirectory() ?? false;
}

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined)) !== undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
