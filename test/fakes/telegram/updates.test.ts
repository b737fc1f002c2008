import { afterEach, describe, expect, it, vi } from 'vitest';
import { monotonicMs } from '../monotonic.ts';
import { callApi } from './call-api.ts';
import { type FakeTelegram, startFakeTelegram } from './index.ts';

const USER = 7001;
let tg: FakeTelegram;
afterEach(() => tg.close());

const updateIds = (result: unknown): number[] =>
  (result as Array<{ update_id: number }>).map((u) => u.update_id);

describe('getUpdates', () => {
  it('holds a long poll open until the user writes, then returns the message', async () => {
    tg = await startFakeTelegram({ rateLimits: false });
    const poll = callApi(tg, 'getUpdates', { timeout: 30 });
    // The poll is held open on the server; the user's message must wake it.
    await vi.waitFor(() => expect(tg.isPolling()).toBe(true));
    const update = tg.sendText({ userId: USER, text: '/start', firstName: 'Ann' });
    const reply = await poll;
    expect(reply.result).toEqual([update]);
    expect(update).toMatchObject({
      message: {
        from: { id: USER, is_bot: false, first_name: 'Ann' },
        chat: { id: USER, type: 'private', first_name: 'Ann' },
        text: '/start',
        entities: [{ type: 'bot_command', offset: 0, length: 6 }],
      },
    });
    expect(typeof (update.message as { date: unknown }).date).toBe('number');
  });

  it('records a call at the moment it arrived, not when it was answered', async () => {
    let clock = 1_000_000;
    tg = await startFakeTelegram({ rateLimits: false, now: () => clock });
    const poll = callApi(tg, 'getUpdates', { timeout: 30 });
    await vi.waitFor(() => expect(tg.isPolling()).toBe(true));
    clock = 1_005_000;
    tg.sendText({ userId: USER, text: 'wake up' });
    await poll;
    expect(tg.callsTo('getUpdates')).toMatchObject([{ at: 1_000_000, status: 200 }]);
  });

  it('also stamps the arrival on the monotonic clock, which the benchmark compares across processes', async () => {
    tg = await startFakeTelegram({ rateLimits: false });
    const before = monotonicMs();
    const poll = callApi(tg, 'getUpdates', { timeout: 30 });
    await vi.waitFor(() => expect(tg.isPolling()).toBe(true));
    const held = monotonicMs();
    await new Promise((resolve) => setTimeout(resolve, 20));
    tg.sendText({ userId: USER, text: 'wake up' });
    await poll;
    const [call] = tg.callsTo('getUpdates');
    // The arrival, not the answer 20 ms later.
    expect(call?.monotonicAt).toBeGreaterThanOrEqual(before);
    expect(call?.monotonicAt).toBeLessThanOrEqual(held);
  });

  it('answers at once with nothing when timeout is 0', async () => {
    tg = await startFakeTelegram();
    expect((await callApi(tg, 'getUpdates')).result).toEqual([]);
  });

  it('confirms with offset: earlier updates are gone, later ones stay', async () => {
    tg = await startFakeTelegram();
    const ids = ['a', 'b', 'c'].map((text) => tg.sendText({ userId: USER, text }).update_id);
    expect(ids[1]).toBe((ids[0] as number) + 1);
    expect(updateIds((await callApi(tg, 'getUpdates')).result)).toEqual(ids);
    expect(updateIds((await callApi(tg, 'getUpdates', { offset: ids[1] })).result)).toEqual(ids.slice(1));
    expect(tg.pendingUpdates()).toBe(2);
    expect((await callApi(tg, 'getUpdates', { offset: (ids[2] as number) + 1 })).result).toEqual([]);
    expect(tg.pendingUpdates()).toBe(0);
  });

  it('keeps only the last -offset updates for a negative offset', async () => {
    tg = await startFakeTelegram();
    const ids = ['a', 'b', 'c', 'd'].map((text) => tg.sendText({ userId: USER, text }).update_id);
    expect(updateIds((await callApi(tg, 'getUpdates', { offset: -2 })).result)).toEqual(ids.slice(2));
    expect(tg.pendingUpdates()).toBe(2);
  });

  it('honours limit', async () => {
    tg = await startFakeTelegram();
    const ids = ['a', 'b', 'c'].map((text) => tg.sendText({ userId: USER, text }).update_id);
    expect(updateIds((await callApi(tg, 'getUpdates', { limit: 2 })).result)).toEqual(ids.slice(0, 2));
  });

  it('filters by allowed_updates and remembers the filter', async () => {
    tg = await startFakeTelegram({ rateLimits: false });
    tg.sendText({ userId: USER, text: 'hello' });
    const sent = await callApi(tg, 'sendMessage', {
      chat_id: USER,
      text: 'q',
      reply_markup: { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] },
    });
    const press = tg.pressButton({
      userId: USER,
      messageId: (sent.result as { message_id: number }).message_id,
      data: 'go',
    });
    expect((await callApi(tg, 'getUpdates', { allowed_updates: ['callback_query'] })).result).toEqual([
      press,
    ]);

    tg.sendText({ userId: USER, text: 'ignored too' });
    expect((await callApi(tg, 'getUpdates', { offset: press.update_id + 1 })).result).toEqual([]);
  });

  it('ends an older poll with 409 Conflict when a second one starts', async () => {
    tg = await startFakeTelegram();
    const first = callApi(tg, 'getUpdates', { timeout: 30 });
    await vi.waitFor(() => expect(tg.isPolling()).toBe(true));
    const second = callApi(tg, 'getUpdates', { timeout: 0 });
    expect(await first).toMatchObject({
      ok: false,
      status: 409,
      description:
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    });
    expect((await second).ok).toBe(true);
  });
});

describe('flood limits', () => {
  const clock = () => {
    let now = 1_700_000_000_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };
  const sendTo = (chatId: number) => callApi(tg, 'sendMessage', { chat_id: chatId, text: 'x' });

  it('lets a short burst through in a private chat, then answers 429 with retry_after', async () => {
    const time = clock();
    tg = await startFakeTelegram({ now: time.now });
    tg.sendText({ userId: USER, text: 'hi' });
    for (let n = 0; n < 3; n++) expect((await sendTo(USER)).ok).toBe(true);
    expect(await sendTo(USER)).toEqual({
      ok: false,
      status: 429,
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    time.advance(1000);
    expect((await sendTo(USER)).ok).toBe(true);
  });

  it('counts edits and deletes but not chat actions or callback answers', async () => {
    const time = clock();
    tg = await startFakeTelegram({ now: time.now });
    tg.sendText({ userId: USER, text: 'hi' });
    const sent = await sendTo(USER);
    const messageId = (sent.result as { message_id: number }).message_id;
    await callApi(tg, 'editMessageText', { chat_id: USER, message_id: messageId, text: 'y' });
    for (let n = 0; n < 5; n++) await callApi(tg, 'sendChatAction', { chat_id: USER, action: 'typing' });
    expect((await callApi(tg, 'deleteMessage', { chat_id: USER, message_id: messageId })).ok).toBe(true);
    expect((await sendTo(USER)).status).toBe(429);
  });

  it('allows 20 messages a minute in a group', async () => {
    const time = clock();
    tg = await startFakeTelegram({ now: time.now });
    tg.sendText({ userId: USER, chatId: -500, text: 'hi all' });
    for (let n = 0; n < 20; n++) expect((await sendTo(-500)).ok).toBe(true);
    const limited = await sendTo(-500);
    expect(limited.parameters?.retry_after).toBe(3);
  });

  it('caps the bot at 30 messages a second across chats', async () => {
    const time = clock();
    tg = await startFakeTelegram({ now: time.now });
    const users = Array.from({ length: 11 }, (_, n) => 8000 + n);
    for (const userId of users) tg.sendText({ userId, text: 'hi' });
    const outcomes: number[] = [];
    for (const userId of users) for (let n = 0; n < 3; n++) outcomes.push((await sendTo(userId)).status);
    expect(outcomes.filter((status) => status === 200)).toHaveLength(30);
    expect(outcomes.at(-1)).toBe(429);
  });

  it('is configurable and can be switched off', async () => {
    tg = await startFakeTelegram({ rateLimits: { privateChat: { capacity: 1, refillPerSecond: 0.25 } } });
    tg.sendText({ userId: USER, text: 'hi' });
    expect((await sendTo(USER)).ok).toBe(true);
    expect((await sendTo(USER)).parameters?.retry_after).toBe(4);
    await tg.close();

    tg = await startFakeTelegram({ rateLimits: false });
    tg.sendText({ userId: USER, text: 'hi' });
    for (let n = 0; n < 40; n++) expect((await sendTo(USER)).ok).toBe(true);
  });
});

describe('fault injection', () => {
  it('fails the next calls of a method with 429 or 500, then recovers', async () => {
    tg = await startFakeTelegram({ rateLimits: false });
    tg.sendText({ userId: USER, text: 'hi' });
    tg.failNext('sendMessage', 1, 429, { retryAfter: 2 });
    tg.failNext('sendMessage', 1, 500);
    const send = () => callApi(tg, 'sendMessage', { chat_id: USER, text: 'x' });
    expect(await send()).toMatchObject({ status: 429, parameters: { retry_after: 2 } });
    expect(await send()).toMatchObject({ status: 500, description: 'Internal Server Error' });
    expect((await send()).ok).toBe(true);
    expect(tg.messages(USER)).toHaveLength(1);
  });

  it('resets the connection', async () => {
    tg = await startFakeTelegram();
    tg.failNext('getMe', 1, 'reset');
    await expect(callApi(tg, 'getMe')).rejects.toThrow();
    expect((await callApi(tg, 'getMe')).ok).toBe(true);
  });

  it('never answers a timed-out call; the client gives up, or the socket is dropped', async () => {
    tg = await startFakeTelegram({ timeoutFaultMs: 200 });
    tg.failNext('getMe', 2, 'timeout');
    const url = `${tg.apiRoot}/bot${tg.token}/getMe`;
    await expect(fetch(url, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    await expect(fetch(url)).rejects.toThrow();
    expect(tg.callsTo('getMe').map((call) => call.description)).toEqual(['timeout', 'timeout']);
  });
});
