/**
 * Groups and secrets, end to end: a group works only when listed, and there only for allowed
 * users; the bot's token and the homelab and speech-to-text secrets reach neither Claude Code's
 * environment nor the log.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommand } from '../../scripts/install-service.ts';
import { unlistedGroupNotice } from '../../src/telegram/chat-policy.ts';
import {
  claudeProcesses,
  delay,
  OWNER_ID,
  PROJECT_ROOT,
  STRANGER_ID,
  startWorld,
  type World,
  waitUntil,
} from './harness.ts';

const LISTED = -1_001_000_000_077;
const UNLISTED = -1_001_000_000_099;
const SECRETS = {
  PBS_URL: 'http://127.0.0.1:9',
  PBS_TOKEN_ID: 'root@pam!bridge',
  PBS_TOKEN_SECRET: 'pbs-secret-4f1a9c',
  KUMA_URL: 'http://127.0.0.1:9',
  KUMA_API_KEY: 'kuma-secret-77e0d2',
  TRANSCRIBE_URL: 'http://127.0.0.1:9',
  TRANSCRIBE_API_KEY: 'transcribe-secret-c3b8',
};

describe('groups and secrets', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({ rateLimits: false });
    await world.startBot({ ALLOWED_CHAT_IDS: String(LISTED), ...SECRETS }, 60_000);
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  }, 30_000);

  it('in a group that is not listed: one notice, then silence, for the owner too', async () => {
    world.tg.sendText({ userId: OWNER_ID, chatId: UNLISTED, text: '/new sneaky' });
    await world.tg.waitForMessage(UNLISTED, unlistedGroupNotice(UNLISTED));
    world.tg.sendText({ userId: OWNER_ID, chatId: UNLISTED, text: '/sessions' });
    world.tg.sendText({ userId: STRANGER_ID, chatId: UNLISTED, text: 'hello?' });
    await waitUntil(() => world.tg.pendingUpdates() === 0, 10_000);
    await delay(500);
    const botMessages = world.tg.messages(UNLISTED);
    expect(botMessages.map((message) => message.text)).toEqual([unlistedGroupNotice(UNLISTED)]);
  });

  it('in a listed group: obeys the owner, ignores a stranger without a word', async () => {
    world.tg.sendText({ userId: OWNER_ID, chatId: LISTED, text: '/new teamwork' });
    await world.tg.waitForMessage(LISTED, "Session 'teamwork' created.");
    world.tg.sendText({ userId: STRANGER_ID, chatId: LISTED, text: '/new takeover' });
    world.tg.sendText({ userId: STRANGER_ID, chatId: LISTED, text: 'what is in ~/.ssh?' });
    world.tg.sendText({ userId: OWNER_ID, chatId: LISTED, text: '/sessions' });
    const list = await world.tg.waitForMessage(LISTED, 'teamwork');
    expect(list.text).not.toContain('takeover');
    const texts = world.tg.messages(LISTED).map((message) => message.text);
    expect(texts).toHaveLength(2);
    expect(texts.join('\n')).not.toMatch(/private bot|takeover/);
  });

  it("keeps the token and the homelab secrets out of Claude Code's environment and out of the log", async () => {
    const [claude] = await claudeProcesses(world.home);
    if (!claude) throw new Error('no claude process for the session');
    const environ = (await readFile(`/proc/${claude.pid}/environ`, 'utf8')).split('\0');
    const names = environ.map((entry) => entry.split('=')[0]);
    for (const name of [
      'TELEGRAM_BOT_TOKEN',
      'ALLOWED_USER_IDS',
      'ALLOWED_CHAT_IDS',
      ...Object.keys(SECRETS),
    ])
      expect(names).not.toContain(name);
    const secrets = [
      world.tg.token,
      SECRETS.PBS_TOKEN_SECRET,
      SECRETS.KUMA_API_KEY,
      SECRETS.TRANSCRIBE_API_KEY,
    ];
    for (const secret of secrets) expect(environ.join('\n')).not.toContain(secret);
    // The owner's own variables do pass (SPEC: every other variable passes through).
    expect(environ).toContain(`ANTHROPIC_BASE_URL=${world.env.ANTHROPIC_BASE_URL}`);
    // The log (debug level: every API call) never shows the token nor a secret.
    const log = world.bot?.output() ?? '';
    expect(log).toContain('bot started');
    for (const secret of secrets) expect(log).not.toContain(secret);
  });

  it("runs Claude Code without the allocator settings npm start sets for the bot's own process", async () => {
    const [claude] = await claudeProcesses(world.home);
    if (!claude) throw new Error('no claude process for the session');
    const names = (await readFile(`/proc/${claude.pid}/environ`, 'utf8'))
      .split('\0')
      .map((e) => e.split('=')[0]);
    const botOnly = (await startCommand(PROJECT_ROOT)).env.map((assignment) => assignment.split('=')[0]);
    expect(botOnly).toContain('MALLOC_ARENA_MAX');
    for (const name of botOnly) expect(names).not.toContain(name);
  });
});
