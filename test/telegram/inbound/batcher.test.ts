/** Text messages within the batch window become one turn; anything else closes the window first. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { TextBatcher } from '../../../src/telegram/inbound/batcher.ts';
import { ManualClock } from '../manual-clock.ts';
import { offlineBot, recordCalls, textUpdate } from '../offline-bot.ts';

const CHAT = 7;

function setup(windowMs: number) {
  const clock = new ManualClock();
  const turns: string[] = [];
  const updates: number[][] = [];
  const batcher = new TextBatcher({
    windowMs,
    timers: clock,
    submit: async (chatId, text, updateIds) => {
      turns.push(`${chatId}: ${text}`);
      updates.push(updateIds);
    },
    logger: pino({ level: 'silent' }),
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
  return { clock, turns, updates, batcher, settle };
}

describe('TextBatcher', () => {
  it('hands each batch over with the updates its texts came from (the inbound journal finishes them with its turn)', async () => {
    const { clock, updates, batcher, settle } = setup(1000);
    await batcher.add(CHAT, 'a', 11);
    await batcher.add(CHAT, 'b', 12);
    clock.advance(1000);
    await batcher.add(CHAT, 'c', 13);
    await batcher.close(CHAT);
    await settle();
    expect(updates).toEqual([[11, 12], [13]]);
  });

  it('joins messages that follow each other within the window, restarting it with each', async () => {
    const { clock, turns, batcher, settle } = setup(1500);
    await batcher.add(CHAT, 'first half');
    clock.advance(1400);
    await batcher.add(CHAT, 'second half');
    clock.advance(1400);
    await batcher.add(CHAT, 'and a question?');
    await settle();
    expect(turns).toEqual([]);
    clock.advance(1500);
    await settle();
    expect(turns).toEqual([`${CHAT}: first half\nsecond half\nand a question?`]);
    await batcher.add(CHAT, 'later');
    clock.advance(1500);
    await settle();
    expect(turns.at(-1)).toBe(`${CHAT}: later`);
  });

  it('keeps chats apart', async () => {
    const { clock, turns, batcher, settle } = setup(1000);
    await batcher.add(1, 'a');
    await batcher.add(2, 'b');
    await batcher.add(1, 'c');
    clock.advance(1000);
    await settle();
    expect(turns.sort()).toEqual(['1: a\nc', '2: b']);
  });

  it('hands each message over at once with a window of 0', async () => {
    const { turns, batcher } = setup(0);
    await batcher.add(CHAT, 'one');
    await batcher.add(CHAT, 'two');
    expect(turns).toEqual([`${CHAT}: one`, `${CHAT}: two`]);
  });

  it('closes the window at once for a command, before the command is handled', async () => {
    const { turns, batcher } = setup(1500);
    const bot = offlineBot();
    recordCalls(bot);
    bot.use(batcher.closer());
    bot.on('message:text', async (ctx, next) => {
      if (ctx.message.text.startsWith('/')) turns.push(`command ${ctx.message.text}`);
      else await batcher.add(ctx.chat.id, ctx.message.text);
      await next();
    });
    await bot.handleUpdate(textUpdate(CHAT, 'look at this'));
    await bot.handleUpdate(textUpdate(CHAT, 'and this'));
    await bot.handleUpdate(textUpdate(CHAT, '/stop'));
    expect(turns).toEqual([`${CHAT}: look at this\nand this`, 'command /stop']);
  });
});
