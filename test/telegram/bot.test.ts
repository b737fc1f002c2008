/** What the bot answers to updates no feature claims: an owner's message is never met with silence. */
import { type Bot, BotError, Composer, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { pollAfterHandling } from '../../src/telegram/api.ts';
import { createBot, HANDLER_FAILED_REPLY, installFallbacks } from '../../src/telegram/bot.ts';
import { DISK_FULL_REPLY, DISK_READ_ONLY_REPLY } from '../../src/telegram/copy/failures.ts';
import { FORWARDED_COMMAND_REPLY } from '../../src/telegram/copy/sessions.ts';
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
  });
  for (const feature of features()) created.use(feature);
  installFallbacks(created);
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

  it('a forwarded command is not run: it quotes someone else; forwarded text goes on', async () => {
    const ran: string[] = [];
    const feature = new Composer<Context>();
    feature.command('archive', () => {
      ran.push('archive');
    });
    feature.on('message:text', () => {
      ran.push('text');
    });
    const { bot: b, replies } = bot(() => [feature]);
    const forwarded = (text: string): Update => {
      const update = textUpdate(OWNER, text);
      const origin = { type: 'user', sender_user: { id: 9, is_bot: false, first_name: 'Eve' }, date: 1 };
      return { ...update, message: { ...update.message, forward_origin: origin } } as Update;
    };
    await b.handleUpdate(forwarded('/archive work'));
    expect(replies()).toEqual([FORWARDED_COMMAND_REPLY]);
    await b.handleUpdate(forwarded('what does this mean?'));
    await b.handleUpdate(textUpdate(OWNER, '/archive work'));
    expect(ran).toEqual(['text', 'archive']);
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

  const throwing = (code: string) => () => {
    const feature = new Composer<Context>();
    feature.on(['message:text', 'callback_query:data'], () => {
      throw Object.assign(new Error(`${code}: the disk refused`), { code });
    });
    return [feature];
  };

  it.each([
    ['ENOSPC', DISK_FULL_REPLY],
    ['EDQUOT', DISK_FULL_REPLY],
    ['EROFS', DISK_READ_ONLY_REPLY],
    ['EACCES', DISK_READ_ONLY_REPLY],
    ['EPERM', DISK_READ_ONLY_REPLY],
    ['EIO', HANDLER_FAILED_REPLY],
  ])('names the disk when a write failed with %s', async (code, reply) => {
    const { bot: b, replies, calls } = bot(throwing(code));
    await handleLikeTheRunner(b, textUpdate(OWNER, '/new project'));
    expect(replies()).toEqual([reply]);
    await handleLikeTheRunner(b, buttonUpdate(OWNER, 'switch:work'));
    expect(calls.filter((call) => call.method === 'answerCallbackQuery')).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ text: reply }) }),
    ]);
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

describe('the order in which a chat’s updates are handled', () => {
  /** A promise the test settles by hand. */
  function gate() {
    let open = () => {};
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    return { opened, open };
  }

  it('text typed right after a session button press is handled after the switch', async () => {
    const order: string[] = [];
    const switchWritten = gate();
    const feature = new Composer<Context>();
    feature.callbackQuery(/^switch:/, async () => {
      order.push('switch started');
      await switchWritten.opened; // writing chats.json
      order.push('switch done');
    });
    feature.on('message:text', (ctx) => {
      order.push(`text ${ctx.message.text}`);
    });
    const { bot: b } = bot(() => [feature]);

    // The runner hands updates over concurrently, as they arrive.
    const press = b.handleUpdate(buttonUpdate(OWNER, 'switch:work'));
    const text = b.handleUpdate(textUpdate(OWNER, 'run the tests'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['switch started']);
    switchWritten.open();
    await Promise.all([press, text]);
    expect(order).toEqual(['switch started', 'switch done', 'text run the tests']);
  });

  it('any other button press is never held behind a handler of the same chat that waits for it', async () => {
    const approved = gate();
    const order: string[] = [];
    const feature = new Composer<Context>();
    feature.on('message:text', async () => {
      order.push('waiting for approval');
      await approved.opened;
      order.push('approved');
    });
    feature.callbackQuery(/^approve:/, async (ctx) => {
      approved.open();
      await ctx.answerCallbackQuery();
    });
    const { bot: b } = bot(() => [feature]);

    const text = b.handleUpdate(textUpdate(OWNER, 'deploy it'));
    await b.handleUpdate(buttonUpdate(OWNER, 'approve:1'));
    await text;
    expect(order).toEqual(['waiting for approval', 'approved']);
  });

  it('messages of the same chat wait for each other; other chats do not wait', async () => {
    const OTHER = 4343;
    const first = gate();
    const order: string[] = [];
    const feature = new Composer<Context>();
    feature.on('message:text', async (ctx) => {
      order.push(`${ctx.chat.id} ${ctx.message.text}`);
      if (ctx.message.text === 'one') await first.opened;
    });
    const created = createBot({
      token: '123:TEST',
      apiRoot: 'http://127.0.0.1:9',
      allowedUserIds: [OWNER, OTHER],
      logger: captureLogger().logger,
    });
    created.botInfo = offlineBot().botInfo;
    created.use(feature);
    const one = created.handleUpdate(textUpdate(OWNER, 'one'));
    const two = created.handleUpdate(textUpdate(OWNER, 'two'));
    const other = created.handleUpdate(textUpdate(OTHER, 'elsewhere'));
    await other;
    expect(order).toEqual([`${OWNER} one`, `${OTHER} elsewhere`]);
    first.open();
    await Promise.all([one, two]);
    expect(order).toEqual([`${OWNER} one`, `${OTHER} elsewhere`, `${OWNER} two`]);
  });
});
