/** Claude Code's environment: everything the owner exported, except the bot's own settings and secrets. */
import { describe, expect, it } from 'vitest';
import { parseSettings, SETTING_NAMES, secretsOf } from '../../src/config/settings.ts';

/** Every setting in SPEC.md's table, each given a value (the secrets ones easy to spot). */
const everySetting: Record<string, string> = {
  TELEGRAM_BOT_TOKEN: '123456:SECRET-bot-token',
  ALLOWED_USER_IDS: '42',
  ALLOWED_CHAT_IDS: '-1001',
  TELEGRAM_API_ROOT: 'http://127.0.0.1:1',
  DATA_DIR: '/tmp/data',
  CLAUDE_PATH: '/usr/bin/claude',
  PBS_URL: 'https://pbs.lan:8007',
  PBS_TOKEN_ID: 'root@pam!bot',
  PBS_TOKEN_SECRET: 'SECRET-pbs',
  PVE_URL: 'https://pve.lan:8006',
  PVE_TOKEN_ID: 'root@pam!bot',
  PVE_TOKEN_SECRET: 'SECRET-pve',
  BESZEL_URL: 'http://beszel.lan',
  BESZEL_EMAIL: 'me@example.com',
  BESZEL_PASSWORD: 'SECRET-beszel',
  KUMA_URL: 'http://kuma.lan',
  KUMA_API_KEY: 'SECRET-kuma',
  PING_HOSTS: 'router=192.168.1.1',
  SESSION_IDLE_TIMEOUT: '10m',
  PERMISSION_TIMEOUT: '10m',
  BATCH_WINDOW_MS: '1500',
  TRANSCRIBE_URL: 'http://whisper.lan',
  TRANSCRIBE_API_KEY: 'SECRET-transcribe',
  TRANSCRIBE_MODEL: 'whisper-1',
};

describe("Claude Code's environment", () => {
  const parsed = parseSettings({ ...everySetting, ANTHROPIC_API_KEY: 'sk-owner', HOME: '/h' });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const { settings } = parsed;

  it('gets none of the settings SPEC.md defines, whether this version parses them or not', () => {
    for (const name of Object.keys(everySetting)) expect(SETTING_NAMES).toContain(name);
    expect(settings.passthroughEnv).toEqual({ ANTHROPIC_API_KEY: 'sk-owner', HOME: '/h' });
  });

  it('holds no secret value under any name', () => {
    const values = Object.values(settings.passthroughEnv).join('\n');
    expect(values).not.toContain('SECRET');
  });

  it('the secrets logs scrub include the token and every homelab secret', () => {
    expect(secretsOf(settings)).toEqual(
      expect.arrayContaining([
        '123456:SECRET-bot-token',
        'SECRET-pbs',
        'SECRET-pve',
        'SECRET-beszel',
        'SECRET-kuma',
      ]),
    );
  });
});
