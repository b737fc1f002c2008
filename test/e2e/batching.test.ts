/**
 * Batching end to end with the real CLI: text sent within BATCH_WINDOW_MS is one turn, a command
 * closes the window at once, and what waits while Claude is busy goes as one next turn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Script } from '../fakes/anthropic/index.ts';
import { OWNER_ID, startWorld, type World, waitUntil } from './harness.ts';

const chat = OWNER_ID;

let releaseHeld: () => void = () => {};
const script: Script = async (turn) => {
  if (turn.userText.startsWith('held')) {
    await new Promise<void>((resolve) => {
      releaseHeld = resolve;
    });
  }
  return { text: `You said: ${turn.userText}` };
};

describe('batching (BATCH_WINDOW_MS=800)', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({ script });
    await world.startBot({ BATCH_WINDOW_MS: '800' });
    world.say('/new batch');
    await world.tg.waitForMessage(chat, "Session 'batch' created.");
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  }, 30_000);

  const userTexts = () => world.model.requests.map((request) => world.model.lastUserText(request));

  it('answers messages sent within the window as one turn, in order', async () => {
    world.say('first part');
    world.say('second part');
    world.say('third part');
    const answer = await world.tg.waitForMessage(chat, 'You said: first part', { timeoutMs: 30_000 });
    expect(answer.text).toBe('You said: first part\nsecond part\nthird part');
    expect(userTexts().filter((text) => text.includes('part'))).toEqual([
      'first part\nsecond part\nthird part',
    ]);
  }, 60_000);

  it('closes the window at once for a command', async () => {
    world.say('before the command');
    world.say('/sessions');
    // The command closed the window, so the text went first; its answer and the list may come in either order.
    const shown = (start: string) =>
      world.tg.messages(chat).some((message) => message.text.startsWith(start));
    await waitUntil(() => shown('Sessions:') && shown('You said: before the command'), 30_000);
    world.say('after the command');
    await world.tg.waitForMessage(chat, 'You said: after the command', { timeoutMs: 30_000 });
    expect(userTexts()).toContain('before the command');
    expect(userTexts()).toContain('after the command');
  }, 60_000);

  it('sends what waited while Claude was busy as one next turn', async () => {
    world.say('held question');
    await waitUntil(() => userTexts().includes('held question'), 30_000);
    world.say('meanwhile one');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    world.say('meanwhile two');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    releaseHeld();
    await world.tg.waitForMessage(chat, 'You said: held question', { timeoutMs: 30_000 });
    const next = await world.tg.waitForMessage(chat, 'You said: meanwhile one', { timeoutMs: 30_000 });
    expect(next.text).toBe('You said: meanwhile one\nmeanwhile two');
    expect(userTexts().filter((text) => text.startsWith('meanwhile'))).toEqual([
      'meanwhile one\nmeanwhile two',
    ]);
  }, 90_000);
});
