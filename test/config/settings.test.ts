import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/config/settings.ts';

const required = { TELEGRAM_BOT_TOKEN: '123456:ABC-def_ghi', ALLOWED_USER_IDS: '42, 7' };

function problems(env: Record<string, string | undefined>): string[] {
  const result = parseSettings(env);
  return result.ok ? [] : result.problems;
}

describe('settings (SPEC.md)', () => {
  it('needs the bot token and the allowlist, naming each missing setting once', () => {
    const found = problems({});
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^TELEGRAM_BOT_TOKEN /);
    expect(found[1]).toMatch(/^ALLOWED_USER_IDS /);
  });

  it('parses the required settings and applies the defaults', () => {
    const result = parseSettings({ ...required, HOME: '/home/owner' });
    expect(result).toMatchObject({
      ok: true,
      settings: {
        botToken: '123456:ABC-def_ghi',
        allowedUserIds: [42, 7],
        telegramApiRoot: 'https://api.telegram.org',
        dataDir: '/home/owner/telegram',
        pingHosts: [],
      },
    });
  });

  it('rejects malformed user ids and tokens', () => {
    expect(problems({ ...required, ALLOWED_USER_IDS: '42,abc' })).toEqual([
      'ALLOWED_USER_IDS must be comma-separated numeric Telegram user ids',
    ]);
    expect(problems({ ...required, TELEGRAM_BOT_TOKEN: 'not a token' })[0]).toMatch(/^TELEGRAM_BOT_TOKEN /);
  });

  it('treats a half-configured service as a bad setting, naming what is missing', () => {
    expect(problems({ ...required, PBS_URL: 'https://pbs:8007' })).toEqual([
      'PBS_TOKEN_ID is required when PBS is configured',
      'PBS_TOKEN_SECRET is required when PBS is configured',
    ]);
  });

  it('normalizes fingerprints and rejects a malformed one', () => {
    const hex = `${'AB:'.repeat(31)}AB`;
    const result = parseSettings({
      ...required,
      PVE_URL: 'https://pve:8006/',
      PVE_TOKEN_ID: 'root@pam!bot',
      PVE_TOKEN_SECRET: 's3cret',
      PVE_FINGERPRINT: hex,
    });
    expect(result.ok && result.settings.pve).toEqual({
      url: 'https://pve:8006',
      tokenId: 'root@pam!bot',
      tokenSecret: 's3cret',
      fingerprint: 'ab'.repeat(32),
    });
    expect(problems({ ...required, PVE_FINGERPRINT: 'zz' })[0]).toMatch(/^PVE_FINGERPRINT must be a SHA-256/);
  });

  it('parses PING_HOSTS with and without ports', () => {
    const result = parseSettings({ ...required, PING_HOSTS: 'router=192.168.1.1, nas=nas.lan:445' });
    expect(result.ok && result.settings.pingHosts).toEqual([
      { name: 'router', host: '192.168.1.1' },
      { name: 'nas', host: 'nas.lan', port: 445 },
    ]);
    expect(problems({ ...required, PING_HOSTS: 'router' })[0]).toMatch(/^PING_HOSTS has a malformed entry/);
    expect(problems({ ...required, PING_HOSTS: 'x=h:70000' })[0]).toMatch(/^PING_HOSTS/);
  });

  it('passes every other variable through to Claude Code, and none of the settings', () => {
    const result = parseSettings({ ...required, ANTHROPIC_BASE_URL: 'http://127.0.0.1:1', HOME: '/h' });
    expect(result.ok && result.settings.passthroughEnv).toEqual({
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:1',
      HOME: '/h',
    });
  });

  it('reads BATCH_WINDOW_MS (default 1500, 0 turns batching off) and keeps it from Claude Code', () => {
    const windowOf = (value?: string) => {
      const result = parseSettings({
        ...required,
        ...(value === undefined ? {} : { BATCH_WINDOW_MS: value }),
      });
      return result.ok
        ? [result.settings.batchWindowMs, Object.keys(result.settings.passthroughEnv)]
        : result.problems;
    };
    expect(windowOf()).toEqual([1500, []]);
    expect(windowOf('0')).toEqual([0, []]);
    expect(windowOf('2500')).toEqual([2500, []]);
    expect(windowOf('soon')).toEqual([
      'BATCH_WINDOW_MS must be a whole number of milliseconds (0 turns it off)',
    ]);
    expect(windowOf('90000')).toEqual(['BATCH_WINDOW_MS must be at most 60000 (one minute)']);
  });
});
