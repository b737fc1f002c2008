/** Reading the relay's stamps back: whole lines only, the turn's own pair, and a bounded wait. */
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliStampsOf } from '../../bench/relay-log.ts';

const stamp = (at: number, dir: 'in' | 'out', text: string) =>
  `${JSON.stringify({ at, dir, type: dir === 'in' ? 'user' : 'result', text })}\n`;

describe("the relay's stamps", () => {
  let dir: string;
  let log: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'relay-log-'));
    log = path.join(dir, 'relay.log');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("pairs the turn's message on stdin with its own result on stdout", async () => {
    await writeFile(
      log,
      stamp(1, 'in', 'one') +
        stamp(2, 'out', 'You said: one') +
        stamp(3, 'in', 'two') +
        stamp(4, 'out', 'You said: two'),
    );
    expect(await cliStampsOf(log, 'two', 'You said: two', 0)).toEqual({ inAt: 3, resultAt: 4 });
  });

  it('pairs the message with the start of the relay it reached (the last one with that pid)', async () => {
    const line = (value: object) => `${JSON.stringify(value)}\n`;
    await writeFile(
      log,
      line({ at: 1, dir: 'in', type: 'started', text: '', pid: 7 }) +
        line({ at: 2, dir: 'in', type: 'started', text: '', pid: 8 }) +
        line({ at: 5, dir: 'in', type: 'started', text: '', pid: 7 }) +
        line({ at: 6, dir: 'in', type: 'user', text: 'hi', pid: 7 }) +
        line({ at: 9, dir: 'out', type: 'result', text: 'You said: hi' }),
    );
    expect(await cliStampsOf(log, 'hi', 'You said: hi', 0)).toEqual({ inAt: 6, resultAt: 9, startedAt: 5 });
  });

  it('ignores a line still being written, and waits for the stamp to land', async () => {
    const result = stamp(11, 'out', 'You said: late');
    await writeFile(log, stamp(10, 'in', 'late') + result.slice(0, 20));
    const found = cliStampsOf(log, 'late', 'You said: late', 2_000);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await appendFile(log, result.slice(20));
    expect(await found).toEqual({ inAt: 10, resultAt: 11 });
  });

  it('gives up after the wait when the result was never stamped, or the log is missing', async () => {
    await appendFile(log, stamp(1, 'in', 'lost'));
    expect(await cliStampsOf(log, 'lost', 'You said: lost', 20)).toBeUndefined();
    expect(await cliStampsOf(path.join(dir, 'none.log'), 'x', 'y', 0)).toBeUndefined();
  });
});
