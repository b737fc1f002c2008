import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, GrammyError, InlineKeyboard, InputFile } from 'grammy';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type FakeTelegram, startFakeTelegram } from './index.ts';

const USER = 7001;
let tg: FakeTelegram;
let bot: Bot | undefined;

afterEach(async () => {
  if (bot?.isRunning()) await bot.stop();
  bot = undefined;
  await tg.close();
});

function startBot(configure: (bot: Bot) => void): Bot {
  const created = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
  configure(created);
  void created.start({ timeout: 5 });
  bot = created;
  return created;
}

describe('a real grammY bot against the fake', () => {
  it('long-polls, replies in HTML, and confirms the updates it handled', async () => {
    tg = await startFakeTelegram({ token: '123:ABC' });
    startBot((b) => {
      b.command('start', (ctx) =>
        ctx.reply(`<b>Hello</b>, ${ctx.from?.first_name}!`, { parse_mode: 'HTML' }),
      );
      b.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    });
    tg.sendText({ userId: USER, text: '/start', firstName: 'Ann' });
    const greeting = await tg.nextMessage(USER);
    expect(greeting).toMatchObject({ text: 'Hello, Ann!', html: '<b>Hello</b>, Ann!', parseMode: 'HTML' });
    expect(greeting.entities).toEqual([{ type: 'bold', offset: 0, length: 5 }]);

    tg.sendText({ userId: USER, text: 'one' });
    tg.sendText({ userId: USER, text: 'two' });
    expect((await tg.nextMessage(USER)).text).toBe('echo: one');
    expect((await tg.nextMessage(USER)).text).toBe('echo: two');

    await bot?.stop();
    expect(tg.pendingUpdates()).toBe(0);
    expect(tg.callsTo('getMe')).toHaveLength(1);
    expect(tg.callsTo('getUpdates').length).toBeGreaterThan(1);
  });

  it("surfaces the fake's Bad Request to grammY as a GrammyError", async () => {
    tg = await startFakeTelegram();
    tg.sendText({ userId: USER, text: 'hi' });
    const api = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } }).api;
    const failure = await api
      .sendMessage(USER, '1 < 2', { parse_mode: 'HTML' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GrammyError);
    expect((failure as GrammyError).description).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2',
    );
  });

  it('waits out a 429 with @grammyjs/auto-retry', async () => {
    tg = await startFakeTelegram({ rateLimits: false });
    tg.sendText({ userId: USER, text: 'hi' });
    const client = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
    client.api.config.use(autoRetry({ maxRetryAttempts: 2, maxDelaySeconds: 5 }));
    tg.failNext('sendMessage', 1, 429, { retryAfter: 1 });
    const message = await client.api.sendMessage(USER, 'after the flood');
    expect(message.text).toBe('after the flood');
    expect(tg.callsTo('sendMessage').map((call) => call.status)).toEqual([429, 200]);
  });

  it('hits the real flood limit in a burst and auto-retry gets every message through', async () => {
    tg = await startFakeTelegram({ rateLimits: { privateChat: { capacity: 2, refillPerSecond: 1 } } });
    tg.sendText({ userId: USER, text: 'hi' });
    const client = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
    client.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 5 }));
    for (const text of ['a', 'b', 'c']) await client.api.sendMessage(USER, text);
    expect(tg.messages(USER).map((message) => message.text)).toEqual(['a', 'b', 'c']);
    expect(tg.callsTo('sendMessage').some((call) => call.status === 429)).toBe(true);
  });

  it('handles a button press end to end: edit, answer, and the keyboard is gone', async () => {
    tg = await startFakeTelegram({ rateLimits: false });
    startBot((b) => {
      b.command('ask', (ctx) =>
        ctx.reply('Deploy?', {
          reply_markup: new InlineKeyboard().text('Yes', 'deploy:yes').text('No', 'deploy:no'),
        }),
      );
      b.callbackQuery(/^deploy:/, async (ctx) => {
        await ctx.answerCallbackQuery({ text: 'On it' });
        await ctx.editMessageText(`Answer: ${ctx.callbackQuery.data}`);
      });
    });
    tg.sendText({ userId: USER, text: '/ask' });
    const question = await tg.nextMessage(USER);
    tg.pressButton({ userId: USER, messageId: question.messageId, data: 'deploy:yes' });
    // The cursor is past the question already, so watch the chat itself for the edit.
    await vi.waitFor(() => expect(tg.messages(USER)[0]?.text).toBe('Answer: deploy:yes'));
    expect(tg.messages(USER)).toMatchObject([
      { messageId: question.messageId, edits: 1, replyMarkup: undefined },
    ]);
    expect(tg.callbackAnswers()).toMatchObject([{ text: 'On it' }]);
  });

  it('downloads what the user sent and uploads a document back', async () => {
    tg = await startFakeTelegram({ rateLimits: false });
    startBot((b) => {
      b.on('message:document', async (ctx) => {
        const file = await ctx.getFile();
        const response = await fetch(`${tg.apiRoot}/file/bot${tg.token}/${file.file_path}`);
        const text = await response.text();
        await ctx.replyWithDocument(new InputFile(Buffer.from(text.toUpperCase()), 'shout.txt'), {
          caption: `<i>${text.length} bytes</i>`,
          parse_mode: 'HTML',
        });
      });
    });
    tg.sendDocument({ userId: USER, fileName: 'note.txt', bytes: Buffer.from('quiet words') });
    const reply = await tg.nextMessage(USER);
    expect(reply.text).toBe('11 bytes');
    expect(reply.document?.fileName).toBe('shout.txt');
    expect(reply.document?.bytes.toString()).toBe('QUIET WORDS');
  });
});

describe('reading what the bot sent', () => {
  it('waitForMessage skips to the first match and explains a timeout with the chat so far', async () => {
    tg = await startFakeTelegram({ rateLimits: false });
    tg.sendText({ userId: USER, text: 'hi' });
    const api = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } }).api;
    await api.sendMessage(USER, 'Working…');
    await api.sendMessage(USER, 'Result: 42');
    expect((await tg.waitForMessage(USER, /Result: \d+/)).text).toBe('Result: 42');
    const failure = await tg.waitForMessage(USER, 'never', { timeoutMs: 50 }).catch((error: Error) => error);
    expect(String(failure)).toMatch(/waitForMessage\(7001, "never"\) timed out/);
    expect(String(failure)).toContain('#2 "Working…"');
    expect(String(failure)).toContain('#3 "Result: 42"');
  });
});
