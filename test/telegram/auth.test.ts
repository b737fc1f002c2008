/** Who gets past the gate: allowed users in private chats and in listed groups, nobody else. */
import { Composer, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { STRANGER_REPLY } from '../../src/telegram/auth.ts';
import { createBot } from '../../src/telegram/bot.ts';
import { unlistedGroupNotice } from '../../src/telegram/chat-policy.ts';
import { captureLogger } from '../sessions/helpers.ts';
import { buttonUpdate, offlineBot, recordCalls, textUpdate } from './offline-bot.ts';

const OWNER = 4242;
const STRANGER = 666;
const LISTED = -1_001_000_000_001;
const UNLISTED = -1_001_000_000_002;

function gatedBot() {
  const { logger, lines } = captureLogger();
  const bot = createBot({
    token: '123:TEST',
    apiRoot: 'http://127.0.0.1:9',
    allowedUserIds: [OWNER],
    allowedChatIds: [LISTED],
    logger,
  });
  const ran: string[] = [];
  const feature = new Composer<Context>();
  feature.on(['message:text', 'callback_query:data'], (ctx) => {
    ran.push(ctx.message?.text ?? ctx.callbackQuery?.data ?? '?');
  });
  bot.use(feature);
  bot.botInfo = offlineBot().botInfo;
  const calls = recordCalls(bot);
  const sent = () => calls.filter((call) => call.method === 'sendMessage').map((call) => call.payload);
  return { bot, ran, lines, calls, sent };
}

/** A text message from `userId` in the group `chatId`. */
function inGroup(chatId: number, userId: number, text: string): Update {
  const update = textUpdate(userId, text);
  const message = { ...update.message, chat: { id: chatId, type: 'supergroup', title: 'Team' } };
  return { ...update, message } as Update;
}

function buttonInGroup(chatId: number, userId: number, data: string): Update {
  const update = buttonUpdate(userId, data);
  const query = update.callback_query as NonNullable<Update['callback_query']>;
  const message = { ...query.message, chat: { id: chatId, type: 'supergroup', title: 'Team' } };
  return { ...update, callback_query: { ...query, message } } as Update;
}

describe('the gate before every feature', () => {
  it('lets the owner through in a private chat', async () => {
    const { bot, ran, sent } = gatedBot();
    await bot.handleUpdate(textUpdate(OWNER, 'hello'));
    expect(ran).toEqual(['hello']);
    expect(sent()).toEqual([]);
  });

  it('refuses a stranger in a private chat, running nothing, with one audit line', async () => {
    const { bot, ran, sent, lines } = gatedBot();
    await bot.handleUpdate(textUpdate(STRANGER, '/new mine'));
    expect(ran).toEqual([]);
    expect(sent()).toEqual([expect.objectContaining({ chat_id: STRANGER, text: STRANGER_REPLY })]);
    expect(lines.filter((line) => line.audit === 'refused')).toMatchObject([{ userId: STRANGER }]);
  });

  it('says once in a group that is not listed why it stays silent, then ignores it', async () => {
    const { bot, ran, sent, lines } = gatedBot();
    await bot.handleUpdate(inGroup(UNLISTED, OWNER, 'hello'));
    await bot.handleUpdate(inGroup(UNLISTED, OWNER, 'anyone?'));
    await bot.handleUpdate(inGroup(UNLISTED, STRANGER, 'me?'));
    expect(ran).toEqual([]);
    expect(sent()).toEqual([
      expect.objectContaining({ chat_id: UNLISTED, text: unlistedGroupNotice(UNLISTED) }),
    ]);
    expect(lines.filter((line) => line.audit === 'unlisted-group')).toHaveLength(3);
  });

  it('obeys the owner in a listed group', async () => {
    const { bot, ran, sent } = gatedBot();
    await bot.handleUpdate(inGroup(LISTED, OWNER, 'status please'));
    expect(ran).toEqual(['status please']);
    expect(sent()).toEqual([]);
  });

  it('ignores a stranger in a listed group without a word to the group, and audits it', async () => {
    const { bot, ran, sent, lines } = gatedBot();
    await bot.handleUpdate(inGroup(LISTED, STRANGER, '/new takeover'));
    expect(ran).toEqual([]);
    expect(sent()).toEqual([]);
    expect(lines.filter((line) => line.audit === 'refused')).toMatchObject([
      { userId: STRANGER, chatId: LISTED },
    ]);
  });

  it("answers a stranger's button press in a listed group with a toast only", async () => {
    const { bot, ran, calls } = gatedBot();
    await bot.handleUpdate(buttonInGroup(LISTED, STRANGER, 'switch:work'));
    expect(ran).toEqual([]);
    expect(calls.map((call) => [call.method, call.payload.text])).toEqual([
      ['answerCallbackQuery', STRANGER_REPLY],
    ]);
  });

  it('ignores channel posts', async () => {
    const { bot, ran, calls } = gatedBot();
    const post = textUpdate(OWNER, 'news');
    const message = { ...post.message, chat: { id: -1_002_000_000_000, type: 'channel', title: 'News' } };
    await bot.handleUpdate({ update_id: post.update_id, channel_post: message } as Update);
    expect(ran).toEqual([]);
    expect(calls).toEqual([]);
  });
});
