import { describe, expect, it } from 'vitest';
import { parseSettings, secretsOf } from '../../src/config/settings.ts';

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
        maxDownloadBytes: 20 * 1024 * 1024,
      },
    });
    expect(result.ok && result.settings.transcribe).toBeUndefined();
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
    const result = parseSettings({
      ...required,
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:1',
      HOME: '/h',
      SESSION_IDLE_TIMEOUT: '5m',
    });
    expect(result.ok && result.settings.passthroughEnv).toEqual({
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:1',
      HOME: '/h',
    });
  });

  it('configures transcription from TRANSCRIBE_URL, the model defaulting to whisper-1', () => {
    const result = parseSettings({ ...required, TRANSCRIBE_URL: 'http://whisper.lan:8000/' });
    expect(result.ok && result.settings.transcribe).toEqual({
      url: 'http://whisper.lan:8000',
      model: 'whisper-1',
    });
    const keyed = parseSettings({
      ...required,
      TRANSCRIBE_URL: 'https://api.openai.com',
      TRANSCRIBE_API_KEY: 'sk-secret',
      TRANSCRIBE_MODEL: 'gpt-4o-transcribe',
    });
    expect(keyed.ok && keyed.settings.transcribe).toEqual({
      url: 'https://api.openai.com',
      apiKey: 'sk-secret',
      model: 'gpt-4o-transcribe',
    });
    expect(keyed.ok && secretsOf(keyed.settings)).toContain('sk-secret');
    expect(problems({ ...required, TRANSCRIBE_URL: 'whisper.lan' })[0]).toMatch(/^TRANSCRIBE_URL /);
    expect(problems({ ...required, TRANSCRIBE_API_KEY: 'sk-secret' })).toEqual([
      'TRANSCRIBE_URL is required when TRANSCRIBE_API_KEY is set',
    ]);
  });

  it('never passes the transcription settings through to Claude Code', () => {
    const result = parseSettings({
      ...required,
      TRANSCRIBE_URL: 'http://whisper.lan',
      TRANSCRIBE_API_KEY: 'sk-secret',
      TRANSCRIBE_MODEL: 'small',
      MAX_DOWNLOAD_MB: '5',
      HOME: '/h',
    });
    expect(result.ok && result.settings.passthroughEnv).toEqual({ HOME: '/h' });
  });

  it('caps downloads at 20 MB on the public server, 2000 MB on a self-hosted one, or MAX_DOWNLOAD_MB below that', () => {
    const limit = (env: Record<string, string>) => {
      const result = parseSettings({ ...required, ...env });
      return result.ok ? result.settings.maxDownloadBytes / (1024 * 1024) : result.problems;
    };
    expect(limit({})).toBe(20);
    expect(limit({ MAX_DOWNLOAD_MB: '5' })).toBe(5);
    expect(limit({ MAX_DOWNLOAD_MB: '50' })).toBe(20);
    expect(limit({ TELEGRAM_API_ROOT: 'http://botapi.lan:8081' })).toBe(2000);
    expect(limit({ TELEGRAM_API_ROOT: 'http://botapi.lan:8081', MAX_DOWNLOAD_MB: '100' })).toBe(100);
    expect(limit({ MAX_DOWNLOAD_MB: 'lots' })).toEqual(['MAX_DOWNLOAD_MB must be a number of megabytes']);
    expect(limit({ MAX_DOWNLOAD_MB: '0' })).toEqual(['MAX_DOWNLOAD_MB must be above 0']);
  });

  it('reads SESSION_IDLE_TIMEOUT as a duration: 10m by default, 0 for never', () => {
    const idle = (value?: string) => {
      const result = parseSettings({ ...required, SESSION_IDLE_TIMEOUT: value });
      return result.ok ? result.settings.idleTimeoutMs : undefined;
    };
    expect(idle()).toBe(600_000);
    expect([idle('45s'), idle('10m'), idle('2h'), idle('0')]).toEqual([45_000, 600_000, 7_200_000, 0]);
    expect(problems({ ...required, SESSION_IDLE_TIMEOUT: '10 minutes' })[0]).toMatch(
      /^SESSION_IDLE_TIMEOUT must be a duration like 45s/,
    );
  });

  it('reads PERMISSION_TIMEOUT as a duration (default 10 min) and keeps it from Claude Code', () => {
    const timeout = (value?: string) => {
      const result = parseSettings({
        ...required,
        ...(value === undefined ? {} : { PERMISSION_TIMEOUT: value }),
      });
      return result.ok ? result.settings.permissionTimeoutMs : undefined;
    };
    expect(timeout()).toBe(600_000);
    expect(timeout('45s')).toBe(45_000);
    expect(timeout('2h')).toBe(7_200_000);
    expect(timeout('0')).toBe(0);
    expect(problems({ ...required, PERMISSION_TIMEOUT: 'soon' })[0]).toMatch(
      /^PERMISSION_TIMEOUT must be a duration/,
    );
    const result = parseSettings({ ...required, PERMISSION_TIMEOUT: '2s' });
    expect(result.ok && result.settings.passthroughEnv).not.toHaveProperty('PERMISSION_TIMEOUT');
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

  it('paces sends to Telegram unless TELEGRAM_FLOOD_PACING is off, and keeps it from Claude Code', () => {
    const pacingOf = (value?: string) => {
      const result = parseSettings({
        ...required,
        ...(value === undefined ? {} : { TELEGRAM_FLOOD_PACING: value }),
      });
      return result.ok
        ? [result.settings.floodPacing, Object.keys(result.settings.passthroughEnv)]
        : result.problems;
    };
    expect(pacingOf()).toEqual([true, []]);
    expect(pacingOf('on')).toEqual([true, []]);
    expect(pacingOf('off')).toEqual([false, []]);
    expect(pacingOf('maybe')).toEqual(['TELEGRAM_FLOOD_PACING must be on or off']);
  });
});
