import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InboundJournal } from '../../src/state/journal.ts';
import { parseJournal } from '../../src/state/journal-records.ts';
import { makeTempDir } from '../sessions/helpers.ts';
import {
  closeJournals,
  fileHandlePrototype,
  journalPath,
  message,
  openJournal,
  recordOk,
  silent,
} from './helpers.ts';

let dataDir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir: dataDir, cleanup } = await makeTempDir()));
afterEach(async () => {
  vi.restoreAllMocks();
  await closeJournals();
  await cleanup();
});

const ids = (entries: Array<{ updateId: number }>) => entries.map((entry) => entry.updateId);

describe('InboundJournal', () => {
  it('keeps recorded updates across a restart, in update order, with their chat', async () => {
    const { journal } = await openJournal(dataDir);
    expect(await recordOk(journal, [message(12, 7), message(10, 8), message(11, 7)])).toEqual([12, 10, 11]);
    await journal.close();

    const reopened = await openJournal(dataDir);
    expect(reopened.problems).toEqual([]);
    const replay = reopened.journal.recovery().replay;
    expect(ids(replay)).toEqual([10, 11, 12]);
    expect(replay.map((entry) => entry.chatId)).toEqual([8, 7, 7]);
    expect(replay[0]?.update).toEqual(message(10, 8).update);
    expect(replay.every((entry) => entry.state === 'received')).toBe(true);
    expect((await stat(journalPath(dataDir))).mode & 0o777).toBe(0o600);
  });

  it('does not replay what was marked done, yet still recognises it after a restart', async () => {
    const { journal } = await openJournal(dataDir);
    await recordOk(journal, [message(1), message(2), message(3)]);
    expect(await journal.markDone(2)).toEqual({ ok: true });
    await journal.close();

    const { journal: reopened } = await openJournal(dataDir);
    expect(ids(reopened.recovery().replay)).toEqual([1, 3]);
    expect(reopened.isKnown(2)).toBe(true);
    expect(await reopened.record([message(2), message(3), message(4)])).toEqual({
      ok: true,
      fresh: [4],
      duplicates: [2, 3],
    });
  });

  it('drops an update that comes twice in one batch', async () => {
    const { journal } = await openJournal(dataDir);
    expect(await journal.record([message(5), message(5)])).toEqual({ ok: true, fresh: [5], duplicates: [5] });
    expect(ids(journal.unfinished())).toEqual([5]);
  });

  it('replays a turn that began without tools, and holds back one whose tools may have run', async () => {
    const { journal } = await openJournal(dataDir);
    await recordOk(journal, [message(1), message(2), message(3)]);
    await journal.markTurnStarted(1, 'alpha');
    await journal.markTurnStarted(2, 'beta');
    await journal.markToolsUsed(2);
    await journal.close();

    const { journal: reopened } = await openJournal(dataDir);
    const { replay, interrupted } = reopened.recovery();
    expect(replay.map(({ updateId, state, session }) => ({ updateId, state, session }))).toEqual([
      { updateId: 1, state: 'turn', session: 'alpha' },
      { updateId: 3, state: 'received', session: undefined },
    ]);
    expect(interrupted.map(({ updateId, state, session }) => ({ updateId, state, session }))).toEqual([
      { updateId: 2, state: 'tools', session: 'beta' },
    ]);
    // The owner was told: done, never offered again.
    await reopened.markDone(2);
    await reopened.close();
    expect(ids((await openJournal(dataDir)).journal.recovery().interrupted)).toEqual([]);
  });

  it('writes a whole batch, and everything marked while a write is on its way, with few fdatasyncs', async () => {
    const { journal } = await openJournal(dataDir);
    const datasync = vi.spyOn(await fileHandlePrototype(dataDir), 'datasync');
    await recordOk(
      journal,
      Array.from({ length: 20 }, (_, i) => message(i + 1)),
    );
    expect(datasync).toHaveBeenCalledTimes(1);

    datasync.mockClear();
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => journal.markDone(i + 1)));
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    // The first mark goes out alone; the 19 queued behind it share the next write.
    expect(datasync).toHaveBeenCalledTimes(2);
    expect(journal.unfinished()).toEqual([]);
  });
});

describe('a damaged journal', () => {
  async function journalWithTwoUpdates(): Promise<string> {
    const { journal } = await openJournal(dataDir);
    await recordOk(journal, [message(1), message(2)]);
    await journal.close();
    return readFile(journalPath(dataDir), 'utf8');
  }

  it('skips a last line cut off mid-write, reads the rest, and appends cleanly after it', async () => {
    const whole = await journalWithTwoUpdates();
    await appendFile(journalPath(dataDir), '{"k":"update","id":3,"chat":42,"at":"2025-');

    const { journal, problems } = await openJournal(dataDir);
    expect(problems).toEqual([expect.objectContaining({ line: 3, kind: 'truncated' })]);
    expect(ids(journal.recovery().replay)).toEqual([1, 2]);
    await recordOk(journal, [message(4)]);
    await journal.close();

    const text = await readFile(journalPath(dataDir), 'utf8');
    expect(text.startsWith(whole)).toBe(true);
    expect(parseJournal(text).problems).toEqual([]);
    expect(ids((await openJournal(dataDir)).journal.recovery().replay)).toEqual([1, 2, 4]);
  });

  it('reports and skips garbage and invalid lines in the middle, then rewrites them away', async () => {
    const whole = await journalWithTwoUpdates();
    const [first, second] = whole.trimEnd().split('\n');
    await writeFile(
      journalPath(dataDir),
      [first, '\u0000\u0000garbage', '{"k":"done","id":"one"}', second, ''].join('\n'),
    );

    const { journal, problems } = await openJournal(dataDir);
    expect(problems.map(({ line, kind }) => ({ line, kind }))).toEqual([
      { line: 2, kind: 'not-json' },
      { line: 3, kind: 'invalid' },
    ]);
    expect(ids(journal.recovery().replay)).toEqual([1, 2]);
    await journal.close();
    const again = await openJournal(dataDir);
    expect(again.problems).toEqual([]);
    expect(ids(again.journal.recovery().replay)).toEqual([1, 2]);
  });

  it('cuts off a write that failed half-way before the next one, so no line is glued to garbage', async () => {
    const { journal } = await openJournal(dataDir);
    await recordOk(journal, [message(1)]);
    const prototype = await fileHandlePrototype(dataDir);
    const realWrite = prototype.write;
    vi.spyOn(prototype, 'write').mockImplementationOnce(async function (this: unknown, ...args: unknown[]) {
      const [buffer, offset, length, position] = args as [Buffer, number, number, number];
      await realWrite.call(this, buffer, offset, Math.floor(length / 2), position);
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });

    const failed = await journal.record([message(2, 42, 'long '.repeat(400))]);
    expect(failed).toMatchObject({ ok: false, fresh: [2], detail: expect.stringContaining('ENOSPC') });
    expect(journal.isKnown(2)).toBe(false);
    // A line far shorter than the half-written one: overwriting alone would leave garbage after it.
    await recordOk(journal, [message(3, 42, 'short')]);
    await journal.close();

    const text = await readFile(journalPath(dataDir), 'utf8');
    expect(parseJournal(text).problems).toEqual([]);
    expect(ids((await openJournal(dataDir)).journal.recovery().replay)).toEqual([1, 3]);
  });

  it('removes the temporary file of a compaction cut off by a crash', async () => {
    await journalWithTwoUpdates();
    const leftover = path.join(dataDir, 'state', '.inbound-journal.jsonl.0a1b2c3d4e5f.tmp');
    const unrelated = path.join(dataDir, 'state', '.children.json.0a1b2c3d4e5f.tmp');
    await writeFile(leftover, '{"k":"seen","ids":[1');
    await writeFile(unrelated, '{}');
    const { journal } = await openJournal(dataDir);
    expect(ids(journal.recovery().replay)).toEqual([1, 2]);
    await expect(stat(leftover)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await stat(unrelated)).isFile()).toBe(true);
  });

  it('is unavailable, not thrown, when its directory cannot be made', async () => {
    await writeFile(path.join(dataDir, 'state'), 'a file where the directory should be');
    const opened = await InboundJournal.open({ dataDir, logger: silent, now: () => new Date() });
    expect(opened).toMatchObject({ ok: false, detail: expect.stringMatching(/EEXIST|ENOTDIR/) });
  });
});

describe('compaction', () => {
  it('keeps the file small while updates come and go, losing no unfinished entry', async () => {
    const { journal } = await openJournal(dataDir, { compactAboveBytes: 8 * 1024, rememberDone: 50 });
    await journal.record([message(1)]);
    await journal.markTurnStarted(1, 'long-turn');
    await journal.markToolsUsed(1);
    let largest = 0;
    for (let id = 2; id <= 400; id++) {
      await recordOk(journal, [message(id, id % 3, 'x'.repeat(100))]);
      if (id % 50 !== 0) await journal.markDone(id);
      largest = Math.max(largest, journal.size);
    }
    await journal.close();

    // Just past the threshold at most: an update line is about 230 bytes.
    expect(largest).toBeLessThan(8 * 1024 + 1024);
    expect((await stat(journalPath(dataDir))).size).toBeLessThan(8 * 1024 + 1024);
    const { journal: reopened, problems } = await openJournal(dataDir, { rememberDone: 50 });
    expect(problems).toEqual([]);
    expect(ids(reopened.recovery().interrupted)).toEqual([1]);
    expect(reopened.recovery().interrupted[0]?.session).toBe('long-turn');
    expect(ids(reopened.recovery().replay)).toEqual([50, 100, 150, 200, 250, 300, 350, 400]);
    // Recently finished ids are remembered for dedupe; the oldest are let go.
    expect(reopened.isKnown(399)).toBe(true);
    expect(reopened.isKnown(2)).toBe(false);
  });
});
