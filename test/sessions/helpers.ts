import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Logger } from '../../src/logging.ts';

export interface CapturedLog {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A real pino logger whose lines are kept for assertions. */
export function captureLogger(): { logger: Logger; lines: CapturedLog[]; warnings: () => CapturedLog[] } {
  const lines: CapturedLog[] = [];
  const logger = pino(
    { level: 'debug', base: undefined },
    { write: (line: string) => lines.push(JSON.parse(line)) },
  );
  return { logger, lines, warnings: () => lines.filter((line) => line.level === 40) };
}

export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sessions-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Every file under `dir`, relative, recursively. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** A clock the test moves by hand. */
export function manualClock(start = '2025-03-01T09:00:00.000Z'): {
  now: () => Date;
  advance: (ms: number) => void;
} {
  let current = new Date(start).getTime();
  return { now: () => new Date(current), advance: (ms) => (current += ms) };
}
