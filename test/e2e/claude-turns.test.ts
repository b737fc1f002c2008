/**
 * What the owner sees while Claude works, end to end with the real CLI: tools awaiting approval, failures
 * told plainly, a crashed process replaced, and one session's long turn never holding up others.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Script } from '../fakes/anthropic/index.ts';
import {
  claudeProcesses,
  defunctClaudes,
  OWNER_ID,
  type World,
  waitUntil,
  withRunningBot,
} from './harness.ts';

const chat = OWNER_ID;

/** Holds the model's answer to 'held' messages until the test lets it go. */
let releaseHeld: () => void = () => {};
const held = () =>
  new Promise<void>((resolve) => {
    releaseHeld = resolve;
  });

/** The fake model: what it answers depends on what the owner wrote. */
const script: Script = async (turn) => {
  const [toolResult] = turn.toolResults;
  if (toolResult) return { text: `The tool said: ${toolResult.content}` };
  const text = turn.userText;
  if (text === 'make a file') return { toolUse: { name: 'Bash', input: { command: 'echo hi > made.txt' } } };
  if (text === 'unauthorized') return { error: 401 };
  if (text.startsWith('held')) {
    await held();
    return { text: `You said: ${text}` };
  }
  if (text.startsWith('slow'))
    return { text: `You said: ${text}`, chunks: ['You said: ', text], chunkDelayMs: 2_500 };
  return { text: `You said: ${text}` };
};

describe("Claude's turns as the owner sees them", () => {
  let world: World;

  withRunningBot(
    async (started) => {
      world = started;
      started.say('/new alpha');
      await started.tg.waitForMessage(chat, "Session 'alpha' created.");
    },
    // A session is used from a group below: the bot works only in listed ones.
    { script, env: { ALLOWED_CHAT_IDS: '-1000303' } },
  );

  it('a tool that needs approval waits for the owner on a card, and nothing runs when denied', async () => {
    world.say('make a file');
    const card = await world.tg.waitForMessage(chat, 'Approval needed', { timeoutMs: 30_000 });
    expect(card.text).toContain('echo hi > made.txt');
    const deny = card.replyMarkup?.inline_keyboard
      .flat()
      .find((button) => String(button.text).includes('Deny'));
    world.tg.pressButton({ userId: OWNER_ID, messageId: card.messageId, data: String(deny?.callback_data) });
    await world.tg.waitForMessage(chat, 'The tool said:', { timeoutMs: 30_000 });
    expect(existsSync(path.join(world.dataDir, 'sessions/alpha/made.txt'))).toBe(false);
  });

  it('a model API that refuses the credentials is told plainly, and the session stays usable', async () => {
    world.say('unauthorized');
    const failure = await world.tg.waitForMessage(chat, /not logged in|authentication|API key/i, {
      timeoutMs: 30_000,
    });
    expect(failure.text).toContain('ANTHROPIC_API_KEY');
    world.say('still there?');
    await world.tg.waitForMessage(chat, 'You said: still there?', { timeoutMs: 30_000 });
  });

  it("a long turn never delays commands or another session's messages; its answer is labelled", async () => {
    world.say('held answer for alpha');
    await waitUntil(
      () => world.model.requests.some((r) => world.model.lastUserText(r) === 'held answer for alpha'),
      15_000,
    );
    world.say('/new beta');
    await world.tg.waitForMessage(chat, "Session 'beta' created.");
    world.say('quick question');
    const quick = await world.tg.waitForMessage(chat, 'You said: quick question', { timeoutMs: 30_000 });
    expect(quick.text).not.toContain('[beta]');
    releaseHeld();
    const late = await world.tg.waitForMessage(chat, 'You said: held answer for alpha', {
      timeoutMs: 30_000,
    });
    expect(late.text).toMatch(/^\[alpha\]/);
  }, 60_000);

  it('a Claude Code process killed mid-turn is replaced, the owner is told, and the message is answered', async () => {
    const before = await claudeProcesses(world.home);
    world.say('slow and then killed');
    await waitUntil(
      () => world.model.requests.some((r) => world.model.lastUserText(r) === 'slow and then killed'),
      15_000,
    );
    const beta = before.find((p) => p.cwd === path.join(world.dataDir, 'sessions/beta'));
    if (!beta) throw new Error('no claude process found');
    process.kill(beta.pid, 'SIGKILL');
    await world.tg.waitForMessage(chat, /stopped unexpectedly/, { timeoutMs: 15_000 });
    await world.tg.waitForMessage(chat, 'You said: slow and then killed', { timeoutMs: 30_000 });
    expect(await defunctClaudes(world.home)).toEqual([]);
    expect(await claudeProcesses(world.home)).toHaveLength(2);
  });

  it('a session used from a group and the private chat answers each in its own chat', async () => {
    const group = -1_000_303;
    const inGroup = (text: string) => world.tg.sendText({ userId: OWNER_ID, chatId: group, text });
    world.say('/new shared');
    await world.tg.waitForMessage(chat, "Session 'shared' created.");
    inGroup('/session shared');
    await world.tg.waitForMessage(group, "Switched to session 'shared'.");

    world.say('held question from the private chat');
    await waitUntil(
      () =>
        world.model.requests.some(
          (r) => world.model.lastUserText(r) === 'held question from the private chat',
        ),
      15_000,
    );
    inGroup('question from the group');
    releaseHeld();
    await world.tg.waitForMessage(chat, 'You said: held question from the private chat', {
      timeoutMs: 30_000,
    });
    await world.tg.waitForMessage(group, 'You said: question from the group', { timeoutMs: 30_000 });
    const texts = (chatId: number) => world.tg.messages(chatId).map((message) => message.text);
    expect(texts(group).join('\n')).not.toContain('private chat');
    expect(texts(chat).join('\n')).not.toContain('question from the group');
  }, 60_000);
});
