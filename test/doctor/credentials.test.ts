import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkClaudeCredentials } from '../../src/doctor/credentials.ts';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'doctor-home-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const NOW = new Date('2026-05-01T12:00:00Z');

async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(value));
}

describe('checkClaudeCredentials', () => {
  it('accepts a key or token in the environment, naming the variable', async () => {
    expect(await checkClaudeCredentials({ HOME: home, ANTHROPIC_API_KEY: 'sk-ant-x' }, NOW)).toMatchObject({
      status: 'ok',
      detail: 'ANTHROPIC_API_KEY is set',
    });
    expect(
      await checkClaudeCredentials({ HOME: home, CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat' }, NOW),
    ).toMatchObject({ status: 'ok', detail: 'CLAUDE_CODE_OAUTH_TOKEN is set' });
  });

  it('accepts a claude.ai login in ~/.claude/.credentials.json, or under CLAUDE_CONFIG_DIR', async () => {
    const login = { claudeAiOauth: { accessToken: 'a', refreshToken: 'r', expiresAt: NOW.getTime() - 1 } };
    await writeJson(path.join(home, '.claude', '.credentials.json'), login);
    expect(await checkClaudeCredentials({ HOME: home }, NOW)).toMatchObject({ status: 'ok' });

    const configDir = path.join(home, 'elsewhere');
    expect(await checkClaudeCredentials({ HOME: home, CLAUDE_CONFIG_DIR: configDir }, NOW)).toMatchObject({
      status: 'fail',
    });
    await writeJson(path.join(configDir, '.credentials.json'), login);
    expect(await checkClaudeCredentials({ HOME: home, CLAUDE_CONFIG_DIR: configDir }, NOW)).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining(path.join(configDir, '.credentials.json')),
    });
  });

  it('warns about an expired login that cannot be refreshed', async () => {
    await writeJson(path.join(home, '.claude', '.credentials.json'), {
      claudeAiOauth: { accessToken: 'a', expiresAt: NOW.getTime() - 1 },
    });
    expect(await checkClaudeCredentials({ HOME: home }, NOW)).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('/login'),
    });
  });

  it('accepts a Console login (primaryApiKey in ~/.claude.json)', async () => {
    await writeJson(path.join(home, '.claude.json'), { primaryApiKey: 'sk-ant-api', numStartups: 3 });
    expect(await checkClaudeCredentials({ HOME: home }, NOW)).toMatchObject({ status: 'ok' });
  });

  it('fails on nothing, or on files that hold no credentials, with the fix', async () => {
    await writeJson(path.join(home, '.claude.json'), { numStartups: 1 });
    await writeJson(path.join(home, '.claude', '.credentials.json'), { something: 'else' });
    expect(await checkClaudeCredentials({ HOME: home, ANTHROPIC_API_KEY: '  ' }, NOW)).toEqual({
      name: 'Claude credentials',
      status: 'fail',
      detail: `no ANTHROPIC_API_KEY and no login in ${path.join(home, '.claude')}`,
      fix: `set ANTHROPIC_API_KEY in .env, or log in once as this user: run claude and type /login (HOME=${home})`,
    });
  });
});
