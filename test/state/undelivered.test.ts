/**
 * `DATA_DIR/state/undelivered.json`: what Telegram did not take, saved so a restart sends it; the
 * newest picture wins however fast saves come, nothing owed removes the file, a damaged file is
 * reported and ignored.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type UndeliveredChat, UndeliveredFile } from '../../src/state/undelivered.ts';

let dataDir: string;
const warnings: string[] = [];
const logger = pino(
  { level: 'warn' },
  { write: (line: string) => warnings.push(JSON.parse(line).msg as string) },
);

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'undelivered-'));
  warnings.length = 0;
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const owed = (chatId: number, answer: string): UndeliveredChat => ({
  chatId,
  answers: [{ session: 'work', answer, mode: 'smart' }],
  dropped: { infra: 2 },
  notices: ['Claude Code restarted.'],
});

describe('UndeliveredFile', () => {
  it('reads back what was saved, in a fresh instance (the next start)', async () => {
    await new UndeliveredFile({ dataDir, logger }).save([owed(7, 'The **answer**.')]);
    expect(await new UndeliveredFile({ dataDir, logger }).read()).toEqual([owed(7, 'The **answer**.')]);
  });

  it('keeps the newest of many saves made at once', async () => {
    const file = new UndeliveredFile({ dataDir, logger });
    const saves = Array.from({ length: 20 }, (_, n) => file.save([owed(7, `answer ${n}`)]));
    await Promise.all(saves);
    expect(await file.read()).toEqual([owed(7, 'answer 19')]);
    // A save after the others have settled is written too.
    await file.save([owed(8, 'later')]);
    expect(await file.read()).toEqual([owed(8, 'later')]);
  });

  it('removes the file once nothing is owed', async () => {
    const file = new UndeliveredFile({ dataDir, logger });
    await file.save([owed(7, 'x')]);
    await file.save([]);
    await expect(readFile(file.file)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await file.read()).toEqual([]);
  });

  it('ignores a damaged file with a warning', async () => {
    const file = new UndeliveredFile({ dataDir, logger });
    await mkdir(path.dirname(file.file), { recursive: true });
    await writeFile(file.file, '[{"chatId": "seven"');
    expect(await file.read()).toEqual([]);
    expect(warnings).toContain('undelivered.json unreadable; ignored');
  });

  it('warns, and does not throw, when the disk takes nothing', async () => {
    // DATA_DIR/state is a file: nothing can be written under it.
    await writeFile(path.join(dataDir, 'state'), 'not a folder');
    const file = new UndeliveredFile({ dataDir, logger });
    await expect(file.save([owed(7, 'x')])).resolves.toBeUndefined();
    expect(warnings).toContain('could not save what Telegram did not take');
  });
});
