import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseJournal } from '../../src/state/journal-records.ts';
import { makeTempDir } from '../sessions/helpers.ts';
import { closeJournals, journalPath, openJournal } from './helpers.ts';

const CHILD = path.join(import.meta.dirname, 'journal-crash-child.ts');
const ROUNDS = 2;
const RECORDS_BEFORE_KILL = 60;

let dataDir: string;
let cleanup: () => Promise<void>;
const children: ChildProcess[] = [];
beforeEach(async () => ({ dir: dataDir, cleanup } = await makeTempDir()));
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await closeJournals();
  await cleanup();
});

interface Acknowledged {
  recorded: Set<number>;
  done: Set<number>;
  /** Recorded, but not the first of its batch: the child never marks these done. */
  neverMarked: Set<number>;
}

/** Starts the child, lets it acknowledge some records, then SIGKILLs it at an arbitrary point. */
async function runAndKill(firstId: number, acknowledged: Acknowledged): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, String(firstId)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  let recordedThisRound = 0;
  let buffered = '';
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`child ended early: ${code ?? signal}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [kind, list] = line.split(' ');
        const ids = (list ?? '').split(',').filter(Boolean).map(Number);
        for (const [index, id] of ids.entries()) {
          if (kind === 'recorded') {
            acknowledged.recorded.add(id);
            if (index > 0) acknowledged.neverMarked.add(id);
            recordedThisRound += 1;
          } else if (kind === 'done') acknowledged.done.add(id);
        }
      }
      // Killed while writes are on their way: the next batch is usually mid-write or mid-fsync.
      if (recordedThisRound >= RECORDS_BEFORE_KILL) {
        child.removeAllListeners('exit');
        child.kill('SIGKILL');
        child.once('exit', () => resolve());
      }
    });
  });
}

it('keeps every acknowledged entry, uncorrupted, when the process is SIGKILLed mid-write', async () => {
  const acknowledged: Acknowledged = { recorded: new Set(), done: new Set(), neverMarked: new Set() };
  for (let round = 0; round < ROUNDS; round++) {
    await runAndKill(1 + round * 100_000, acknowledged);

    const { journal, problems } = await openJournal(dataDir);
    // At most the write the kill cut off, and only as the last line.
    expect(problems.filter((problem) => problem.kind !== 'truncated')).toEqual([]);
    const unfinished = new Set(journal.unfinished().map((entry) => entry.updateId));
    for (const id of acknowledged.recorded) expect(journal.isKnown(id)).toBe(true);
    for (const id of acknowledged.done) expect(unfinished.has(id)).toBe(false);
    // The child only ever marks the first update of a batch done: the others wait to be replayed.
    for (const id of acknowledged.neverMarked) expect(unfinished.has(id)).toBe(true);
    await journal.close();
  }
  expect(acknowledged.recorded.size).toBeGreaterThanOrEqual(ROUNDS * RECORDS_BEFORE_KILL);
  expect(acknowledged.done.size).toBeGreaterThan(0);
  expect(acknowledged.neverMarked.size).toBeGreaterThan(0);
  expect(parseJournal(await readFile(journalPath(dataDir), 'utf8')).records.length).toBeGreaterThan(0);
});
