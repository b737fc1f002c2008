import { describe, expect, it } from 'vitest';
import { parseSettings, SETTING_NAMES } from '../../src/config/settings.ts';

const required = { TELEGRAM_BOT_TOKEN: '123456:ABC-def_ghi', ALLOWED_USER_IDS: '42' };

describe('ALLOWED_CHAT_IDS (SPEC.md)', () => {
  it('lists no group by default', () => {
    expect(parseSettings(required)).toMatchObject({ ok: true, settings: { allowedChatIds: [] } });
    expect(parseSettings({ ...required, ALLOWED_CHAT_IDS: ' ' })).toMatchObject({
      ok: true,
      settings: { allowedChatIds: [] },
    });
  });

  it('parses group and supergroup ids', () => {
    expect(parseSettings({ ...required, ALLOWED_CHAT_IDS: '-1001234567890, -4321' })).toMatchObject({
      ok: true,
      settings: { allowedChatIds: [-1_001_234_567_890, -4_321] },
    });
  });

  it('rejects anything that is not a group id, naming the setting', () => {
    for (const value of ['42', '-1001234567890,abc', '-0', '-12,,-13'])
      expect(parseSettings({ ...required, ALLOWED_CHAT_IDS: value })).toEqual({
        ok: false,
        problems: ['ALLOWED_CHAT_IDS must be comma-separated group chat ids (negative numbers)'],
      });
  });

  it('is a setting of the bot, not passed through to Claude Code', () => {
    expect(SETTING_NAMES).toContain('ALLOWED_CHAT_IDS');
    const result = parseSettings({ ...required, ALLOWED_CHAT_IDS: '-1' });
    expect(result.ok && result.settings.passthroughEnv).not.toHaveProperty('ALLOWED_CHAT_IDS');
  });
});
