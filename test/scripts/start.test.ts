import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../e2e/harness.ts';

const CACHE_DIR = path.join(PROJECT_ROOT, '.cache', 'start');

/** `npm start` runs scripts/start.mjs: src/ bundled by esbuild, cached in .cache/start/. */
describe('npm start (scripts/start.mjs)', () => {
  // An empty directory: no .env, and no settings in the environment either, so the bundled main.ts
  // reports them and exits 2 before reaching Telegram.
  const cwd = mkdtempSync(path.join(tmpdir(), 'bridge-start-'));
  const start = () =>
    spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'scripts', 'start.mjs')], {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('runs the bot from a bundle of src/ and keeps one bundle for the current sources', () => {
    const first = start();
    expect(first.status).toBe(2);
    expect(first.stderr).toContain('TELEGRAM_BOT_TOKEN');
    const bundles = readdirSync(CACHE_DIR).filter((name) => /^[0-9a-f]{16}$/.test(name));
    expect(bundles).toHaveLength(1);

    const second = start();
    expect(second.status).toBe(2);
    expect(readdirSync(CACHE_DIR).filter((name) => /^[0-9a-f]{16}$/.test(name))).toEqual(bundles);
  });
});
