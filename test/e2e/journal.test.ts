/**
 * The bot killed at the worst moments and started again, end to end with the real CLI: every
 * message answered exactly once, a turn cut off while using tools told rather than run again, and
 * an update Telegram delivers a second time not answered twice.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_FILE } from '../../src/state/journal.ts';
import type { Script } from '../fakes/anthropic/index.ts';
import type { Update } from '../fakes/telegram/index.ts';
import { claudeProcesses, OWNER_ID, startWorld, type World, waitUntil } from './harness.ts';

const chat = OWNER_ID;

/** Messages starting with 'hold' are answered only once the gate opens. */
let gate: Promise<void> = Promise.resolve();
let openGate: () => void = () => {};
function closeGate(): void {
  gate = new Promise((resolve) => {
    openGate = resolve;
  });
}
/** How many times the model was asked each message (tool results not counted). */
const asked = new Map<string, number>();

const script: Script = async (turn) => {
  if (turn.toolResults.length > 0) {
    // The tool ran; the rest of the turn waits, so the bot can be killed in the middle of it.
    await gate;
    return { text: 'Deployed.' };
  }
  asked.set(turn.userText, (asked.get(turn.userText) ?? 0) + 1);
  if (turn.userText === 'deploy') return { toolUse: { name: 'Bash', input: { command: 'echo deployed' } } };
  if (turn.userText.startsWith('hold')) await gate;
  return { text: `You said: ${turn.userText}` };
};

/** How many times the chat got the answer to `text`. */
const answers = (world: World, text: string) =>
  world.tg.messages(chat).filter((message) => message.text === `You said: ${text}`).length;

/** SIGKILL: no shutdown code runs. Its Claude Code processes (own process groups) are ended too. */
async function killBot(world: World): Promise<void> {
  const bot = world.bot;
  if (!bot?.child.pid) throw new Error('bot not started');
  process.kill(-bot.child.pid, 'SIGKILL');
  await bot.exited;
  for (const { pid } of await claudeProcesses(world.home)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      process.kill(pid, 'SIGKILL');
    }
  }
  await waitUntil(async () => (await claudeProcesses(world.home)).length === 0, 5_000);
}

const journalText = (world: World) => readFile(path.join(world.dataDir, JOURNAL_FILE), 'utf8');

describe('the bot killed and started again', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ script });
    await world.startBot({}, 60_000);
    world.say('/new journal');
    await world.tg.waitForMessage(chat, "Session 'journal' created.");
  }, 60_000);
  afterAll(async () => {
    openGate();
    await world?.close();
  }, 30_000);

  it('answers every message exactly once: the turn running, those queued, and a redelivered one', async () => {
    const once = world.tg.sendText({ userId: OWNER_ID, text: 'once' }) as Update;
    await waitUntil(
      () => answers(world, 'once') === 1,
      30_000,
      () => world.bot?.output() ?? '',
    );

    closeGate();
    world.say('hold first');
    world.say('second');
    world.say('third');
    // The turn runs, and the messages behind it were confirmed to Telegram (so journaled).
    await waitUntil(() => asked.get('hold first') === 1 && world.tg.pendingUpdates() === 0, 30_000);
    await killBot(world);

    // Telegram never got the offset that confirmed 'once': it delivers it again.
    world.tg.redeliver(once);
    openGate();
    await world.startBot({}, 60_000);
    for (const text of ['hold first', 'second', 'third'])
      await waitUntil(
        () => answers(world, text) === 1,
        60_000,
        () => world.bot?.output() ?? '',
      );
    world.say('after the restart');
    await waitUntil(() => answers(world, 'after the restart') === 1, 30_000);

    for (const text of ['once', 'hold first', 'second', 'third', 'after the restart'])
      expect({ text, answers: answers(world, text) }).toEqual({ text, answers: 1 });
    // In order: the one that was running first, then those queued behind it.
    const order = world.tg
      .messages(chat)
      .map((message) => message.text)
      .filter((text) => /^You said: (hold first|second|third)$/.test(text));
    expect(order).toEqual(['You said: hold first', 'You said: second', 'You said: third']);
    expect(world.bot?.output()).toContain('update already received: dropped');
  }, 180_000);

  it('does not run again a turn cut off while using tools: the owner is told and decides', async () => {
    closeGate();
    world.say('deploy');
    world.say('behind it');
    await waitUntil(async () => (await journalText(world)).includes('"k":"tools"'), 30_000);
    await waitUntil(() => world.tg.pendingUpdates() === 0, 10_000);
    await killBot(world);
    openGate();

    await world.startBot({}, 60_000);
    const notice = await world.tg.waitForMessage(chat, 'The bot restarted while Claude was using tools', {
      timeoutMs: 30_000,
    });
    expect(notice.text).toContain('“deploy”');
    expect(notice.text).toContain("session 'journal'");
    await waitUntil(
      () => answers(world, 'behind it') === 1,
      60_000,
      () => world.bot?.output() ?? '',
    );
    expect(asked.get('deploy')).toBe(1);
    expect(world.tg.messages(chat).filter((message) => message.text === 'Deployed.')).toEqual([]);
  }, 180_000);

  it('on SIGTERM, says the unanswered messages will be taken up, and the next start answers them once', async () => {
    closeGate();
    world.say('hold on');
    world.say('queued');
    await waitUntil(() => asked.get('hold on') === 1 && world.tg.pendingUpdates() === 0, 30_000);
    const exit = await world.bot?.stop('SIGTERM');
    expect(exit?.code).toBe(0);
    await world.tg.waitForMessage(
      chat,
      '⚠️ The bot is shutting down: your last 2 messages will be taken up again when it is back.',
    );
    openGate();

    await world.startBot({}, 60_000);
    for (const text of ['hold on', 'queued'])
      await waitUntil(
        () => answers(world, text) === 1,
        60_000,
        () => world.bot?.output() ?? '',
      );
    expect(answers(world, 'hold on')).toBe(1);
    expect(answers(world, 'queued')).toBe(1);
  }, 180_000);

  it('an answer Telegram did not take before the bot was SIGKILLed arrives late after the restart, once', async () => {
    closeGate();
    world.say('hold late');
    await waitUntil(() => asked.get('hold late') === 1, 30_000);
    // Telegram takes nothing from here on: the answer's sends fail through all their retries.
    world.tg.failRandomly(1, [500]);
    openGate();
    const undelivered = path.join(world.dataDir, 'state', 'undelivered.json');
    await waitUntil(
      async () => (await readFile(undelivered, 'utf8').catch(() => '')).includes('You said: hold late'),
      40_000,
      () => world.bot?.output() ?? '',
    );
    await killBot(world);
    world.tg.failRandomly(0, []);

    await world.startBot({}, 60_000);
    await waitUntil(
      () => answers(world, 'hold late') === 1,
      30_000,
      () => world.bot?.output() ?? '',
    );
    const texts = world.tg.messages(chat).map((message) => message.text);
    expect(texts.slice(-2)).toEqual([
      "Telegram could not take an answer from 'journal' for a while. Here it is, late:",
      'You said: hold late',
    ]);
    await waitUntil(async () => (await readFile(undelivered, 'utf8').catch(() => 'gone')) === 'gone', 10_000);
    expect(asked.get('hold late')).toBe(1);
  }, 180_000);
});

/** How many answers carry `line` (batched messages are answered together, one line each). */
const answersWithLine = (world: World, line: string) =>
  world.tg
    .messages(chat)
    .filter(
      (message) =>
        message.text?.startsWith('You said: ') && message.text.slice(10).split('\n').includes(line),
    ).length;

/** How many times the model was asked a turn with `line` in it. */
const askedWithLine = (line: string) =>
  [...asked].filter(([text]) => text.split('\n').includes(line)).reduce((sum, [, count]) => sum + count, 0);

describe('the bot killed with a batch window (BATCH_WINDOW_MS)', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ script });
    await world.startBot({ BATCH_WINDOW_MS: '300' }, 60_000);
    world.say('/new batches');
    await world.tg.waitForMessage(chat, "Session 'batches' created.");
  }, 60_000);
  afterAll(async () => {
    openGate();
    await world?.close();
  }, 30_000);

  it('a batch still waiting for its window to close is answered once after the restart', async () => {
    await world.bot?.stop('SIGTERM');
    // A window long enough that the kill below surely comes while the batch waits.
    await world.startBot({ BATCH_WINDOW_MS: '60000' }, 60_000);
    world.say('waiting one');
    world.say('waiting two');
    await waitUntil(async () => {
      const text = await journalText(world);
      return world.tg.pendingUpdates() === 0 && text.includes('waiting one') && text.includes('waiting two');
    }, 30_000);
    await killBot(world);
    expect(askedWithLine('waiting one') + askedWithLine('waiting two')).toBe(0);

    await world.startBot({ BATCH_WINDOW_MS: '300' }, 60_000);
    for (const line of ['waiting one', 'waiting two'])
      await waitUntil(
        () => answersWithLine(world, line) === 1,
        60_000,
        () => world.bot?.output() ?? '',
      );
    world.say('after the batch');
    await waitUntil(() => answersWithLine(world, 'after the batch') === 1, 30_000);
    for (const line of ['waiting one', 'waiting two'])
      expect({ line, answers: answersWithLine(world, line) }).toEqual({ line, answers: 1 });
  }, 180_000);

  it('a batch whose turn was running is answered once after the restart; its updates stay unfinished until then', async () => {
    closeGate();
    world.say('hold batch one');
    world.say('hold batch two');
    world.say('hold batch three');
    await waitUntil(
      () => askedWithLine('hold batch three') === 1 && world.tg.pendingUpdates() === 0,
      30_000,
      () => world.bot?.output() ?? '',
    );
    await killBot(world);
    // Each update's turn began, none was finished: the journal holds them all.
    const text = await journalText(world);
    for (const line of ['hold batch one', 'hold batch two', 'hold batch three']) expect(text).toContain(line);
    expect(text).not.toMatch(/"k":"tools"/);
    openGate();

    await world.startBot({ BATCH_WINDOW_MS: '300' }, 60_000);
    for (const line of ['hold batch one', 'hold batch two', 'hold batch three'])
      await waitUntil(
        () => answersWithLine(world, line) === 1,
        60_000,
        () => world.bot?.output() ?? '',
      );
    world.say('after the running batch');
    await waitUntil(() => answersWithLine(world, 'after the running batch') === 1, 30_000);
    for (const line of ['hold batch one', 'hold batch two', 'hold batch three'])
      expect({ line, answers: answersWithLine(world, line) }).toEqual({ line, answers: 1 });
  }, 180_000);

  it('a batched turn cut off while using tools is told, not run again', async () => {
    closeGate();
    const before = asked.get('deploy') ?? 0;
    world.say('deploy');
    await waitUntil(async () => (await journalText(world)).includes('"k":"tools"'), 30_000);
    await waitUntil(() => world.tg.pendingUpdates() === 0, 10_000);
    await killBot(world);
    openGate();

    await world.startBot({ BATCH_WINDOW_MS: '300' }, 60_000);
    const notice = await world.tg.waitForMessage(chat, 'The bot restarted while Claude was using tools', {
      timeoutMs: 30_000,
    });
    expect(notice.text).toContain('“deploy”');
    world.say('after the deploy');
    await waitUntil(() => answersWithLine(world, 'after the deploy') === 1, 30_000);
    expect(asked.get('deploy')).toBe(before + 1);
  }, 180_000);

  it('/stop and `!` finish exactly the messages they concern: nothing is run or answered again after a kill', async () => {
    closeGate();
    world.say('hold stop');
    await waitUntil(() => askedWithLine('hold stop') === 1, 30_000);
    world.say('dropped by stop');
    // The command closes the batch first: the text is queued behind the running turn, then dropped.
    world.say('/stop');
    await world.tg.waitForMessage(chat, 'Stopped. Dropped 1 queued message(s).', { timeoutMs: 30_000 });

    world.say('hold bang');
    await waitUntil(() => askedWithLine('hold bang') === 1, 30_000);
    world.say('waiting behind');
    await waitUntil(async () => {
      const id = updateIdOf(await journalText(world), 'waiting behind');
      return id !== undefined && (await journalText(world)).includes(`{"k":"turn","id":${id},`);
    }, 30_000);
    world.say('! now first');
    for (const line of ['now first', 'waiting behind'])
      await waitUntil(
        () => answersWithLine(world, line) === 1,
        30_000,
        () => world.bot?.output() ?? '',
      );
    // Everything is finished in the journal: the interrupted turns, the dropped text, the rest.
    await waitUntil(async () => unfinishedIn(await journalText(world)).length === 0, 30_000);
    await killBot(world);
    openGate();

    await world.startBot({ BATCH_WINDOW_MS: '300' }, 60_000);
    world.say('after the stops');
    await waitUntil(() => answersWithLine(world, 'after the stops') === 1, 30_000);
    expect(askedWithLine('dropped by stop')).toBe(0);
    expect(answersWithLine(world, 'dropped by stop')).toBe(0);
    for (const line of ['hold stop', 'hold bang'])
      expect({ line, asked: askedWithLine(line) }).toEqual({ line, asked: 1 });
    for (const line of ['now first', 'waiting behind'])
      expect({ line, answers: answersWithLine(world, line) }).toEqual({ line, answers: 1 });
  }, 180_000);
});

interface JournalLine {
  k: string;
  id?: number;
  update?: { message?: { text?: string } };
}

/** The journal's whole lines (one being written as it is read is left out). */
function journalLines(journal: string): JournalLine[] {
  return journal.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as JournalLine];
    } catch {
      return [];
    }
  });
}

/** The update id of the journal's update record whose message says `text`. */
function updateIdOf(journal: string, text: string): number | undefined {
  for (const record of journalLines(journal)) {
    if (record.k === 'update' && record.update?.message?.text === text) return record.id;
  }
  return undefined;
}

/** The update ids the journal holds unfinished (recorded, never marked done). */
function unfinishedIn(journal: string): number[] {
  const open = new Set<number>();
  for (const record of journalLines(journal)) {
    if (record.k === 'update' && record.id !== undefined) open.add(record.id);
    if (record.k === 'done' && record.id !== undefined) open.delete(record.id);
  }
  return [...open];
}
