/**
 * The seed's checklist, end to end: the bot started with `npm start`, the real Claude Code CLI,
 * the fake Telegram and the fake model.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../fakes/anthropic/index.ts';
import {
  claudeProcesses,
  defunctClaudes,
  OWNER_ID,
  STRANGER_ID,
  type World,
  waitUntil,
  withRunningBot,
} from './harness.ts';

const chat = OWNER_ID;

/** Every text of a request's conversation, flattened, to assert what history Claude was sent. */
function conversationText(request: RecordedRequest): string {
  return JSON.stringify(request.messages);
}

describe('sessions from Telegram, end to end', () => {
  let world: World;

  withRunningBot(
    (started) => {
      world = started;
    },
    // Test 9 writes from a group: the bot works only in listed ones.
    { env: { ALLOWED_CHAT_IDS: '-1001' } },
  );

  it('1. /new test-session creates the session and starts its Claude Code process at once', async () => {
    world.say('/new test-session');
    await world.tg.waitForMessage(chat, "Session 'test-session' created.");
    await waitUntil(async () => (await claudeProcesses(world.home)).length === 1, 15_000);
  });

  it("2. a plain message is answered by the session's Claude", async () => {
    world.say('hello from the phone');
    const answer = await world.tg.waitForMessage(chat, 'You said: hello from the phone', {
      timeoutMs: 30_000,
    });
    expect(answer.text).not.toContain('[test-session]');
  });

  it('3. /new second brainstorm uses the brainstorm persona', async () => {
    world.say('/new second brainstorm');
    await world.tg.waitForMessage(chat, "Session 'second' created with persona 'brainstorm'.");
    world.say('ideas please');
    await world.tg.waitForMessage(chat, 'You said: ideas please', { timeoutMs: 30_000 });
    const persona = JSON.parse(
      readFileSync(path.join(world.dataDir, 'sessions/second/persona.json'), 'utf8'),
    );
    const request = world.model.requests.findLast(
      (r) => r.messages.length > 0 && conversationText(r).includes('ideas please'),
    );
    expect(request?.system).toContain(persona.system_prompt.slice(0, 120));
  });

  it('4. /session test-session switches back', async () => {
    world.say('/session test-session');
    await world.tg.waitForMessage(chat, "Switched to session 'test-session'.");
  });

  it("5. the next message is answered by test-session's own process, with its own history only", async () => {
    world.say('second message');
    await world.tg.waitForMessage(chat, 'You said: second message', { timeoutMs: 30_000 });
    const request = world.model.requests.findLast((r) => conversationText(r).includes('second message'));
    expect(request).toBeDefined();
    const history = conversationText(request as RecordedRequest);
    expect(history).toContain('hello from the phone');
    expect(history).not.toContain('ideas please');
  });

  it('6. exactly one live claude process per started session, none defunct', async () => {
    const live = await claudeProcesses(world.home);
    expect(live).toHaveLength(2);
    expect(live.every((p) => p.state !== 'Z')).toBe(true);
    expect(await defunctClaudes(world.home)).toEqual([]);
  });

  it('7. both sessions are on disk with metadata.json and persona.json', () => {
    const sessions = readdirSync(path.join(world.dataDir, 'sessions')).sort();
    expect(sessions).toEqual(['second', 'test-session']);
    for (const name of sessions) {
      const dir = path.join(world.dataDir, 'sessions', name);
      const metadata = JSON.parse(readFileSync(path.join(dir, 'metadata.json'), 'utf8'));
      expect(metadata).toMatchObject({ name, claude_session_id: expect.any(String) });
      expect(existsSync(path.join(dir, 'persona.json'))).toBe(true);
    }
    const second = JSON.parse(
      readFileSync(path.join(world.dataDir, 'sessions/second/metadata.json'), 'utf8'),
    );
    expect(second).toMatchObject({ persona: 'brainstorm', status: 'suspended' });
  });

  it('8. /new test-session again is a friendly duplicate error and changes nothing', async () => {
    const file = path.join(world.dataDir, 'sessions/test-session/metadata.json');
    const before = readFileSync(file, 'utf8');
    world.say('/new test-session');
    await world.tg.waitForMessage(
      chat,
      "Session 'test-session' already exists. Use /session test-session to switch to it.",
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(await claudeProcesses(world.home)).toHaveLength(2);
  });

  it('9. plain text in a chat with no active session says how to start one', async () => {
    const otherChat = -1001;
    world.tg.sendText({ userId: OWNER_ID, chatId: otherChat, text: 'anyone there?' });
    await world.tg.waitForMessage(otherChat, 'No active session. Use /new <name> to start one.');
  });

  it('three messages sent while Claude is busy are answered in order', async () => {
    world.model.setScript((turn) =>
      turn.userText.startsWith('slow')
        ? { text: `You said: ${turn.userText}`, chunks: ['You said: ', turn.userText], chunkDelayMs: 400 }
        : { text: `You said: ${turn.userText}` },
    );
    world.say('slow one');
    world.say('slow two');
    world.say('slow three');
    const answers = [];
    for (const word of ['one', 'two', 'three'])
      answers.push(await world.tg.waitForMessage(chat, `You said: slow ${word}`, { timeoutMs: 15_000 }));
    expect(answers.map((m) => m.messageId)).toEqual(
      [...answers.map((m) => m.messageId)].sort((a, b) => a - b),
    );
  });

  it("a stranger's /new creates nothing and spawns nothing", async () => {
    const before = await claudeProcesses(world.home);
    world.tg.sendText({ userId: STRANGER_ID, text: '/new intruder' });
    await world.tg.waitForMessage(STRANGER_ID, 'private bot');
    expect(existsSync(path.join(world.dataDir, 'sessions/intruder'))).toBe(false);
    expect(await claudeProcesses(world.home)).toHaveLength(before.length);
    await expect.poll(() => world.bot?.output() ?? '').toContain(`"audit":"refused","userId":${STRANGER_ID}`);
  });

  it('/session without a name lists the sessions as buttons, and a button switches', async () => {
    world.say('/session');
    const list = await world.tg.waitForMessage(chat, 'Usage: /session <name>');
    expect(list.text).toContain('second');
    world.tg.pressButton({ userId: OWNER_ID, messageId: list.messageId, data: 'switch:second' });
    await world.tg.waitForMessage(chat, "Switched to session 'second'.");
  });

  it('shutdown leaves no claude process behind and exits 0', async () => {
    const bot = world.bot;
    if (!bot) throw new Error('bot not started');
    const started = Date.now();
    const exit = await bot.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    await waitUntil(async () => (await claudeProcesses(world.home)).length === 0, 3_000);
    expect(await defunctClaudes(world.home)).toEqual([]);
  });
});
