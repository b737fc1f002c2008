import { afterEach, describe, expect, it } from 'vitest';
import { callApi } from './call-api.ts';
import { type FakeTelegram, startFakeTelegram } from './index.ts';

const USER = 7002;
let tg: FakeTelegram;
afterEach(() => tg.close());

type Delivered = Record<string, Record<string, unknown> | undefined>;
const delivered = async (): Promise<Delivered[]> =>
  (await callApi(tg, 'getUpdates', { timeout: 0 })).result as Delivered[];

describe('what else a user sends', () => {
  it('delivers a sticker, a poll, a location, a contact and a dice roll shaped as the Bot API does', async () => {
    tg = await startFakeTelegram({ rateLimits: false });
    tg.sendOther({ userId: USER, kind: 'sticker', emoji: '🐈' });
    tg.sendOther({ userId: USER, kind: 'poll', question: 'Lunch?', options: ['yes', 'no'] });
    tg.sendOther({ userId: USER, kind: 'location', latitude: 52.52, longitude: 13.4 });
    tg.sendOther({ userId: USER, kind: 'contact', phoneNumber: '+4930123', firstName: 'Eve' });
    tg.sendOther({ userId: USER, kind: 'dice', emoji: '🎰', value: 64 });
    const messages = (await delivered()).map((update) => update.message);
    expect(messages[0]).toMatchObject({ sticker: { type: 'regular', emoji: '🐈', width: 512 } });
    expect(messages[0]?.text).toBeUndefined();
    expect(messages[1]).toMatchObject({
      poll: {
        question: 'Lunch?',
        options: [{ text: 'yes', voter_count: 0 }, { text: 'no' }],
        is_closed: false,
      },
    });
    expect(messages[2]).toMatchObject({ location: { latitude: 52.52, longitude: 13.4 } });
    expect(messages[3]).toMatchObject({ contact: { phone_number: '+4930123', first_name: 'Eve' } });
    expect(messages[4]).toMatchObject({ dice: { emoji: '🎰', value: 64 } });
    const sticker = messages[0]?.sticker as { file_id: string };
    const file = await callApi(tg, 'getFile', { file_id: sticker.file_id });
    expect(file.result).toMatchObject({ file_path: expect.stringMatching(/^stickers\/.+\.webp$/) });
  });

  it('refuses what no client can send: a one-option poll, a 7 on a die, a place off the globe', async () => {
    tg = await startFakeTelegram({ rateLimits: false });
    expect(() => tg.sendOther({ userId: USER, kind: 'poll', question: 'q', options: ['only'] })).toThrow(
      /2-12 options/,
    );
    expect(() => tg.sendOther({ userId: USER, kind: 'dice', value: 7 })).toThrow(/rolls 1-6/);
    expect(() => tg.sendOther({ userId: USER, kind: 'location', latitude: 91, longitude: 0 })).toThrow(
      /±90°/,
    );
    expect(tg.pendingUpdates()).toBe(0);
  });

  it('forwards text with its origin, commands marked as in any text', async () => {
    tg = await startFakeTelegram({ rateLimits: false });
    tg.forwardText({ userId: USER, text: '/new evil', from: { userId: 99, firstName: 'Mallory' } });
    tg.forwardText({ userId: USER, text: 'psst', from: { hiddenName: 'Anon' } });
    const [first, second] = (await delivered()).map((update) => update.message);
    expect(first).toMatchObject({
      text: '/new evil',
      entities: [{ type: 'bot_command', offset: 0, length: 4 }],
      forward_origin: { type: 'user', sender_user: { id: 99, first_name: 'Mallory' } },
    });
    expect(second).toMatchObject({ forward_origin: { type: 'hidden_user', sender_user_name: 'Anon' } });
  });

  it("edits the user's own text message into an edited_message update, and nobody else's", async () => {
    tg = await startFakeTelegram({ rateLimits: false });
    const sent = tg.sendText({ userId: USER, text: 'delete everything' });
    const messageId = (sent.message as { message_id: number }).message_id;
    tg.editText({ userId: USER, messageId, text: 'delete nothing' });
    const updates = await delivered();
    expect(updates[1]?.edited_message).toMatchObject({
      message_id: messageId,
      text: 'delete nothing',
      edit_date: expect.any(Number),
    });
    expect(() => tg.editText({ userId: USER + 1, chatId: USER, messageId, text: 'x' })).toThrow(/no message/);
    expect(() => tg.editText({ userId: USER, messageId, text: 'delete nothing' })).toThrow(/must change/);
  });

  it('takes text up to 4096 characters and no more, as a client splits longer text', async () => {
    tg = await startFakeTelegram({ rateLimits: false });
    tg.sendText({ userId: USER, text: 'x'.repeat(4096) });
    expect(() => tg.sendText({ userId: USER, text: 'x'.repeat(4097) })).toThrow(/at most 4096/);
    expect(() => tg.sendText({ userId: USER, text: '' })).toThrow(/empty/);
    expect(tg.pendingUpdates()).toBe(1);
  });

  it('lets a modified client press forged callback data on a real bot message, within 64 bytes', async () => {
    tg = await startFakeTelegram({ rateLimits: false });
    tg.sendText({ userId: USER, text: 'hi' });
    const sent = await callApi(tg, 'sendMessage', { chat_id: USER, text: 'no buttons here' });
    const messageId = (sent.result as { message_id: number }).message_id;
    expect(() => tg.pressButton({ userId: USER, messageId, data: 'p:x:a' })).toThrow(/no button/);
    const update = tg.pressButton({ userId: USER, messageId, data: 'p:x:a', forged: true });
    expect(update.callback_query).toMatchObject({ data: 'p:x:a', message: { message_id: messageId } });
    expect(() => tg.pressButton({ userId: USER, messageId, data: 'x'.repeat(65), forged: true })).toThrow(
      /1-64 bytes/,
    );
    expect(() => tg.pressButton({ userId: USER, messageId: 999, data: 'p:x:a', forged: true })).toThrow(
      /no bot message/,
    );
  });
});
