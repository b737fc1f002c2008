import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isTempFileName, readJson, writeJsonAtomic } from '../../src/sessions/atomic.ts';
import { makeTempDir } from './helpers.ts';

const Point = z.object({ x: z.number(), y: z.number() });

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

describe('writeJsonAtomic', () => {
  it('writes JSON that reads back, and leaves only the target file behind', async () => {
    const file = path.join(dir, 'point.json');
    await writeJsonAtomic(file, { x: 1, y: 2 });
    await writeJsonAtomic(file, { x: 3, y: 4 });

    expect(await readJson(file, Point)).toEqual({ ok: true, value: { x: 3, y: 4 } });
    expect(await readdir(dir)).toEqual(['point.json']);
  });

  it('keeps the old content and removes its temporary file when the final rename fails', async () => {
    const file = path.join(dir, 'point.json');
    await writeJsonAtomic(file, { x: 1, y: 2 });
    // A non-empty directory where the target should be: writing the temp file works, the rename cannot.
    const blocked = path.join(dir, 'blocked.json');
    await mkdir(blocked);
    await writeFile(path.join(blocked, 'inside'), 'x');

    await expect(writeJsonAtomic(blocked, { x: 9, y: 9 })).rejects.toThrow();

    expect((await readdir(dir)).sort()).toEqual(['blocked.json', 'point.json']);
    expect(await readJson(file, Point)).toEqual({ ok: true, value: { x: 1, y: 2 } });
  });

  it('never touches the file when the value cannot be serialized', async () => {
    const file = path.join(dir, 'point.json');
    await writeJsonAtomic(file, { x: 1, y: 2 });

    await expect(writeJsonAtomic(file, { x: 1n, y: 2 })).rejects.toThrow(/BigInt/);

    expect(await readdir(dir)).toEqual(['point.json']);
    expect(await readJson(file, Point)).toEqual({ ok: true, value: { x: 1, y: 2 } });
  });

  it('leaves a complete old or new file when the writing process is killed mid-write', async () => {
    const file = path.join(dir, 'big.json');
    const script = fileURLToPath(new URL('./fixtures/write-forever.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Let it complete a few rounds, then kill it wherever it happens to be.
    await new Promise<void>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.split('\n').length > 4) resolve();
      });
      child.once('exit', () => reject(new Error(`writer exited early: ${output}`)));
    });
    child.kill('SIGKILL');
    await exited;

    const Big = z.object({ letter: z.enum(['a', 'b']), filler: z.string() });
    const result = await readJson(file, Big);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.filler).toBe(result.value.letter.repeat(2_000_000));
    // Whatever the kill left behind is only ever a temporary file, never the target.
    const others = (await readdir(dir)).filter((name) => name !== 'big.json');
    expect(others.every(isTempFileName)).toBe(true);
  });
});

describe('readJson', () => {
  it('tells a missing file apart from a bad one, and never throws', async () => {
    const file = path.join(dir, 'point.json');
    expect(await readJson(file, Point)).toEqual({ ok: false, error: 'missing' });

    await writeFile(file, '{"x": 1, "y"');
    const halfWritten = await readJson(file, Point);
    expect(halfWritten).toMatchObject({ ok: false, error: 'malformed' });
    expect(halfWritten.ok === false && halfWritten.error === 'malformed' && halfWritten.detail).toMatch(
      /JSON/,
    );

    await writeFile(file, '{"x": 1, "y": "two"}');
    const wrongShape = await readJson(file, Point);
    expect(wrongShape.ok === false && wrongShape.error === 'malformed' && wrongShape.detail).toMatch(/^y: /);

    const folder = path.join(dir, 'folder.json');
    await mkdir(folder);
    expect(await readJson(folder, Point)).toMatchObject({ ok: false, error: 'malformed' });
  });

  it('ignores a temporary file a crash left next to the target', async () => {
    const file = path.join(dir, 'point.json');
    await writeJsonAtomic(file, { x: 1, y: 2 });
    const leftover = path.join(dir, '.point.json.0123456789ab.tmp');
    await writeFile(leftover, '{"x": 5, "y"');

    expect(isTempFileName(path.basename(leftover))).toBe(true);
    expect(await readJson(file, Point)).toEqual({ ok: true, value: { x: 1, y: 2 } });
    await writeJsonAtomic(file, { x: 7, y: 8 });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ x: 7, y: 8 });
  });
});
