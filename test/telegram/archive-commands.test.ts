/**
 * `/archive`: the confirmation card, its presses (fresh, cancelled, stale, forged, from another
 * chat), and the words to each chat, with a real archiver on a temporary DATA_DIR.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { InlineKeyboardMarkup } from 'grammy/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionArchiver } from '../../src/sessions/archiver.ts';
import { ChatStore } from '../../src/sessions/chat-store.ts';
import { type Persona, PersonaSchema } from '../../src/sessions/personas.ts';
import { SessionStore } from '../../src/sessions/session-store.ts';
import { ArchiveConfirmations, archiveCommands } from '../../src/telegram/commands/archive.ts';
import { captureLogger, makeTempDir, manualClock } from '../sessions/helpers.ts';
import { buttonUpdate, offlineBot, recordCalls, textUpdate } from './offline-bot.ts';

const OWNER = 4242;
const persona: Persona = PersonaSchema.parse({ name: 'default', description: '', system_prompt: 'Hi.' });

let dataDir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir: dataDir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

async function setUp() {
  const { logger } = captureLogger();
  const clock = manualClock('2026-05-06T07:08:09.000Z');
  const sessions = new SessionStore({ dataDir, now: clock.now, logger });
  const chats = new ChatStore({ dataDir, logger });
  const stopped: string[] = [];
  const notified: Array<{ chatId: number; text: string }> = [];
  const archiver = new SessionArchiver({
    sessions,
    chats,
    stopProcess: async (name) => {
      stopped.push(name);
    },
    archiveDir: path.join(dataDir, 'sessions_archive'),
    claudeConfigDir: path.join(dataDir, 'home', '.claude'),
    now: clock.now,
    logger,
  });
  const bot = offlineBot();
  const calls = recordCalls(bot);
  bot.use(
    archiveCommands({
      archiver,
      isLive: () => true,
      notify: async (chatId, text) => notified.push({ chatId, text }),
      confirmations: new ArchiveConfirmations(() => clock.now().getTime()),
    }),
  );
  const replies = () =>
    calls.filter((call) => call.method === 'sendMessage').map((call) => call.payload.text as string);
  /** The callback data of the newest card's buttons. */
  const buttons = () => {
    const card = calls.findLast((call) => call.payload.reply_markup !== undefined);
    const markup = card?.payload.reply_markup as InlineKeyboardMarkup;
    return (markup.inline_keyboard[0] ?? []).map((button) =>
      'callback_data' in button ? button.callback_data : '',
    );
  };
  const answers = () =>
    calls.filter((call) => call.method === 'answerCallbackQuery').map((call) => call.payload.text);
  await sessions.create('alpha', persona);
  return { bot, calls, replies, buttons, answers, stopped, notified, chats, sessions, clock };
}

describe('/archive <name>', () => {
  it('asks first with a button whose data is short and random; the press archives and clears every chat that had it', async () => {
    const t = await setUp();
    await t.chats.set(OWNER, 'alpha');
    await t.chats.set(-100777, 'alpha');
    await t.bot.handleUpdate(textUpdate(OWNER, '/archive alpha'));
    expect(t.replies()[0]).toContain("Archive session 'alpha'?");
    expect(t.stopped).toEqual([]);
    const [archive, cancel] = t.buttons();
    for (const data of [archive, cancel]) {
      expect(Buffer.byteLength(data ?? '')).toBeLessThanOrEqual(64);
      expect(data).not.toContain('alpha');
    }

    await t.bot.handleUpdate(buttonUpdate(OWNER, archive ?? ''));
    expect(t.stopped).toContain('alpha');
    const reply = t.replies().at(-1) ?? '';
    expect(reply.split('\n')[0]).toBe("Session 'alpha' archived.");
    expect(reply).toContain('alpha-20260506T070809Z.tar.gz');
    expect(reply).toContain('This chat has no active session now.');
    expect(t.notified).toEqual([
      { chatId: -100777, text: expect.stringContaining("Session 'alpha' was archived") },
    ]);
    expect(existsSync(t.sessions.dirOf('alpha'))).toBe(false);
    expect(await t.chats.all()).toEqual({});
    // The card lost its buttons.
    const edit = t.calls.find((call) => call.method === 'editMessageText');
    expect(edit?.payload.reply_markup).toBeUndefined();

    // The same button again: stale, and nothing happens.
    await t.bot.handleUpdate(buttonUpdate(OWNER, archive ?? ''));
    expect(t.answers().at(-1)).toBe('This archive request is no longer pending.');
    expect(t.replies().filter((text) => text.includes('archived.'))).toHaveLength(1);
  });

  it('Cancel archives nothing', async () => {
    const t = await setUp();
    await t.bot.handleUpdate(textUpdate(OWNER, '/archive alpha'));
    await t.bot.handleUpdate(buttonUpdate(OWNER, t.buttons()[1] ?? ''));
    expect(t.calls.find((call) => call.method === 'editMessageText')?.payload.text).toBe(
      "Archive of 'alpha' cancelled.",
    );
    expect(t.stopped).toEqual([]);
    expect(existsSync(t.sessions.dirOf('alpha'))).toBe(true);
  });

  it('a forged token, a card from another chat and an expired card are all stale, and change nothing', async () => {
    const t = await setUp();
    await t.bot.handleUpdate(textUpdate(OWNER, '/archive alpha'));
    const [archive] = t.buttons();
    await t.bot.handleUpdate(buttonUpdate(OWNER, 'archive:AAAAAAAAAAAAAAAAAAAAAA:y'));
    await t.bot.handleUpdate(buttonUpdate(OWNER + 1, archive ?? ''));
    t.clock.advance(11 * 60_000);
    await t.bot.handleUpdate(buttonUpdate(OWNER, archive ?? ''));
    expect(t.answers()).toEqual(Array(3).fill('This archive request is no longer pending.'));
    expect(t.stopped).toEqual([]);
    expect(existsSync(t.sessions.dirOf('alpha'))).toBe(true);
  });

  it('a bad name or an unknown session gets a plain answer and no card', async () => {
    const t = await setUp();
    await t.bot.handleUpdate(textUpdate(OWNER, '/archive ../etc'));
    await t.bot.handleUpdate(textUpdate(OWNER, '/archive ghost'));
    await t.bot.handleUpdate(textUpdate(OWNER, '/archive alpha beta'));
    expect(t.replies()).toEqual([
      "'../etc' is not a session name: nothing archived. Usage: /archive <name>",
      "Session 'ghost' doesn't exist: nothing archived. /sessions lists them.",
      'Usage: /archive <name>',
    ]);
    expect(t.calls.some((call) => call.payload.reply_markup !== undefined)).toBe(false);
  });
});

describe('/archive alone', () => {
  it('lists the archives, newest first, or says there are none', async () => {
    const t = await setUp();
    await t.bot.handleUpdate(textUpdate(OWNER, '/archive'));
    expect(t.replies()[0]).toContain('No archives');
    await t.bot.handleUpdate(textUpdate(OWNER, '/archive alpha'));
    await t.bot.handleUpdate(buttonUpdate(OWNER, t.buttons()[0] ?? ''));
    await t.bot.handleUpdate(textUpdate(OWNER, '/archive'));
    expect(t.replies().at(-1)).toContain('• alpha: 2026-05-06 07:08 UTC');
    expect(t.replies().at(-1)).toContain('(alpha-20260506T070809Z.tar.gz)');
  });
});
