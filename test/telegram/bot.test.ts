/** What the bot answers to updates no feature claims: an owner's message is never met with silence. */
import { type Bot, BotError, Composer, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { createBot, HANDLER_FAILED_REPLY, pollAfterHandling } from '../../src/telegram/bot.ts';
import { captureLogger } from '../sessions/helpers.ts';
import { buttonUpdate, offlineBot, recordCalls, textUpdate } from './offline-bot.ts';

const OWNER = 4242;
const STRANGER = 666;

function bot(features: () => Composer<Context>[] = () => []) {
  const { logger, lines } = captureLogger();
  const created = createBot({
    token: '123:TEST',
    apiRoot: 'http://127.0.0.1:9',
    allowedUserIds: [OWNER],
    logger,
    features,
  });
  created.botInfo = offlineBot().botInfo;
  const calls = recordCalls(created);
  const replies = () =>
    calls.filter((call) => call.method === 'sendMessage').map((call) => call.payload.text as string);
  return { bot: created, lines, replies, calls };
}

function edited(userId: number, text: string): Update {
  const { update_id, message } = textUpdate(userId, text);
  return { update_id, edited_message: { ...message, edit_date: 1_700_000_060 } } as Update;
}

describe('the bot around its features', () => {
  it('an edited message is not silently ignored: the owner is told to send it again', async () => {
    const { bot: b, replies } = bot();
    await b.handleUpdate(edited(OWNER, 'fix the typo in README'));
    expect(replies()).toHaveLength(1);
    expect(replies()[0]).toMatch(/edit/i);
    expect(replies()[0]).toMatch(/new message/i);
  });

  it("a stranger's edit runs nothing and leaves an audit line", async () => {
    const { bot: b, replies, lines } = bot();
    await b.handleUpdate(edited(STRANGER, 'let me in'));
    expect(replies()).toEqual([]);
    expect(lines.filter((line) => line.audit === 'refused')).toMatchObject([
      { userId: STRANGER, updateKind: 'edited_message' },
    ]);
  });
});

describe('a handler that fails', () => {
  const failing = () => {
    const feature = new Composer<Context>();
    feature.on(['message:text', 'callback_query:data'], () => {
      throw new Error('ENOSPC: no space left on device');
    });
    return [feature];
  };

  /** What @grammyjs/runner does with an update: a handler's error goes to the bot's error handler. */
  const handleLikeTheRunner = async (b: Bot, update: Update) => {
    try {
      await b.handleUpdate(update);
    } catch (error) {
      if (!(error instanceof BotError)) throw error;
      await b.errorHandler(error);
    }
  };

  it('tells the owner instead of leaving them with silence, and logs the error', async () => {
    const { bot: b, replies, lines } = bot(failing);
    await handleLikeTheRunner(b, textUpdate(OWNER, '/new project'));
    expect(replies()).toEqual([HANDLER_FAILED_REPLY]);
    expect(JSON.stringify(lines)).toContain('ENOSPC');
  });

  it('answers a button press that failed, so the button stops spinning', async () => {
    const { bot: b, calls } = bot(failing);
    await handleLikeTheRunner(b, buttonUpdate(OWNER, 'switch:work'));
    expect(calls.filter((call) => call.method === 'answerCallbackQuery')).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ text: HANDLER_FAILED_REPLY }) }),
    ]);
  });
});

describe('asking Telegram for the next updates', () => {
  const answer = { ok: true as const, result: [] };

  it('waits until the update in hand has been handled as far as it goes without waiting', async () => {
    const order: string[] = [];
    const prev = async (method: string) => {
      order.push(`request ${method}`);
      return answer;
    };
    const polled = pollAfterHandling(prev as never, 'getUpdates', { offset: 1 } as never);
    // A handler's synchronous work and its promise chain (how a message reaches Claude's stdin).
    await Promise.resolve();
    order.push('handler ran');
    await polled;
    expect(order).toEqual(['handler ran', 'request getUpdates']);
  });

  it('sends everything else at once', async () => {
    const order: string[] = [];
    const prev = async (method: string) => {
      order.push(`request ${method}`);
      return answer;
    };
    const sent = pollAfterHandling(prev as never, 'sendMessage', { chat_id: 1, text: 'hi' } as never);
    order.push('caller continued');
    await sent;
    expect(order).toEqual(['request sendMessage', 'caller continued']);
  });
});
