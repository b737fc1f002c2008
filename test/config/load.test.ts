import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatSettingsProblems, loadSettings } from '../../src/config/load.ts';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(path.join(os.tmpdir(), 'settings-'));
});
afterEach(() => rm(cwd, { recursive: true, force: true }));

describe('loading settings from the environment and .env', () => {
  it('reads .env in the working directory, and an exported variable wins over it', async () => {
    await writeFile(
      path.join(cwd, '.env'),
      '# the bot\nTELEGRAM_BOT_TOKEN=111:fromfile\nALLOWED_USER_IDS="5"\nANTHROPIC_API_KEY=sk-file\n',
    );
    const result = loadSettings(cwd, { ALLOWED_USER_IDS: '6,7', HOME: cwd });
    expect(result).toMatchObject({
      ok: true,
      settings: {
        botToken: '111:fromfile',
        allowedUserIds: [6, 7],
        passthroughEnv: { ANTHROPIC_API_KEY: 'sk-file' },
      },
    });
  });

  it('works without a .env file', () => {
    expect(loadSettings(cwd, { TELEGRAM_BOT_TOKEN: '1:a', ALLOWED_USER_IDS: '1' }).ok).toBe(true);
  });

  it('reports every bad setting on its own line', () => {
    const result = loadSettings(cwd, {});
    if (result.ok) throw new Error('expected problems');
    const lines = formatSettingsProblems(result.problems).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/TELEGRAM_BOT_TOKEN/);
    expect(lines[2]).toMatch(/ALLOWED_USER_IDS/);
  });
});
