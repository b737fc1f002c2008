import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { badRequest, callApi, upload } from './call-api.ts';
import { type FakeTelegram, startFakeTelegram } from './index.ts';

const USER = 7001;
let tg: FakeTelegram;

beforeEach(async () => {
  tg = await startFakeTelegram({ token: '123:ABC', rateLimits: false });
  tg.sendText({ userId: USER, text: 'hi' });
});
afterEach(() => tg.close());

const send = (params: Record<string, unknown>) => callApi(tg, 'sendMessage', { chat_id: USER, ...params });

describe('routing and authentication', () => {
  it('answers getMe under the right token, in JSON, form and query encodings', async () => {
    for (const encoding of ['json', 'form', 'query'] as const) {
      const reply = await callApi(tg, 'getMe', {}, encoding);
      expect(reply).toMatchObject({
        ok: true,
        status: 200,
        result: { id: 123, is_bot: true, username: 'bridge_bot' },
      });
    }
  });

  it('rejects a wrong token with 401 Unauthorized', async () => {
    const reply = await callApi({ apiRoot: tg.apiRoot, token: '123:WRONG' }, 'getMe');
    expect(reply).toEqual({ ok: false, status: 401, error_code: 401, description: 'Unauthorized' });
  });

  it('rejects an unknown method with 404', async () => {
    const reply = await callApi(tg, 'sendSticker', { chat_id: USER });
    expect(reply).toEqual({
      ok: false,
      status: 404,
      error_code: 404,
      description: 'Not Found: method not found',
    });
  });

  it('records every call with its outcome', async () => {
    await send({ text: 'ok' });
    await send({ text: '' });
    expect(tg.callsTo('sendMessage').map((call) => [call.status, call.description])).toEqual([
      [200, undefined],
      [400, 'Bad Request: message text is empty'],
    ]);
  });
});

describe('chats', () => {
  it('refuses to send to a chat no user has written in', async () => {
    expect(await callApi(tg, 'sendMessage', { chat_id: 999, text: 'x' })).toEqual(
      badRequest('chat not found'),
    );
    expect(await callApi(tg, 'sendMessage', { chat_id: '@someone', text: 'x' })).toEqual(
      badRequest('chat not found'),
    );
  });

  it('sends to a chat the user opened, with form-encoded numbers', async () => {
    const reply = await callApi(tg, 'sendMessage', { chat_id: String(USER), text: 'hello' }, 'form');
    expect(reply).toMatchObject({ ok: true, result: { chat: { id: USER, type: 'private' }, text: 'hello' } });
  });
});

describe('replies', () => {
  it('replies to an existing message and refuses a missing one unless told to go ahead', async () => {
    const reply = await send({ text: 'answer', reply_parameters: { message_id: 1 } });
    expect(reply.result).toMatchObject({ reply_to_message: { message_id: 1, text: 'hi' } });
    expect(await send({ text: 'x', reply_parameters: { message_id: 99 } })).toEqual(
      badRequest('message to be replied not found'),
    );
    const anyway = await send({
      text: 'x',
      reply_parameters: { message_id: 99, allow_sending_without_reply: true },
    });
    expect(anyway.ok).toBe(true);
  });

  it('shows a group as a group chat', async () => {
    tg.sendText({ userId: USER, chatId: -42, text: 'hello group' });
    const reply = await callApi(tg, 'sendMessage', { chat_id: -42, text: 'hi all' });
    expect(reply.result).toMatchObject({ chat: { id: -42, type: 'group' } });
  });
});

describe('text length after entity parsing', () => {
  it('rejects empty and whitespace-only text', async () => {
    expect(await send({ text: '' })).toEqual(badRequest('message text is empty'));
    expect(await send({ text: ' \n ' })).toEqual(badRequest('message text is empty'));
    expect(await send({})).toEqual(badRequest('message text is empty'));
  });

  it('accepts 4096 UTF-16 code units and rejects 4097', async () => {
    expect((await send({ text: 'x'.repeat(4096) })).ok).toBe(true);
    expect(await send({ text: 'x'.repeat(4097) })).toEqual(badRequest('message is too long'));
    expect((await send({ text: '😀'.repeat(2048) })).ok).toBe(true);
    expect(await send({ text: '😀'.repeat(2049) })).toEqual(badRequest('message is too long'));
  });

  it('counts HTML text after parsing, not the markup', async () => {
    const reply = await send({ text: `<b>${'x'.repeat(4096)}</b>`, parse_mode: 'HTML' });
    expect(reply.ok).toBe(true);
  });

  it('rejects a caption over 1024 characters after parsing', async () => {
    const file = { field: 'document', name: 'a.txt', bytes: Buffer.from('data') };
    const long = await upload(tg, 'sendDocument', { chat_id: String(USER), caption: 'c'.repeat(1025) }, file);
    expect(long).toEqual(badRequest('message caption is too long'));
    const fits = await upload(
      tg,
      'sendDocument',
      { chat_id: String(USER), caption: `<i>${'c'.repeat(1024)}</i>`, parse_mode: 'HTML' },
      file,
    );
    expect(fits.ok).toBe(true);
  });
});

describe('HTML parse mode', () => {
  it("rejects invalid HTML with Telegram's description", async () => {
    expect(await send({ text: 'a <foo>', parse_mode: 'HTML' })).toEqual(
      badRequest('can\'t parse entities: Unsupported start tag "foo" at byte offset 2'),
    );
    expect(await send({ text: '<b>open', parse_mode: 'HTML' })).toEqual(
      badRequest('can\'t parse entities: Can\'t find end tag corresponding to start tag "b"'),
    );
  });

  it('accepts valid HTML and stores both the raw HTML and what the user sees', async () => {
    const reply = await send({ text: '<b>Done</b> &amp; dusted', parse_mode: 'HTML' });
    expect(reply.result).toMatchObject({
      text: 'Done & dusted',
      entities: [{ type: 'bold', offset: 0, length: 4 }],
    });
    expect(tg.messages(USER)).toMatchObject([
      {
        text: 'Done & dusted',
        html: '<b>Done</b> &amp; dusted',
        parseMode: 'HTML',
        edits: 0,
        deleted: false,
      },
    ]);
  });

  it('treats markup as plain text without parse_mode', async () => {
    const reply = await send({ text: '<b>not bold</b>' });
    expect(reply.result).toMatchObject({ text: '<b>not bold</b>' });
  });

  it('says plainly that Markdown is not implemented by the fake', async () => {
    const reply = await send({ text: '*x*', parse_mode: 'MarkdownV2' });
    expect(reply.description).toBe('Bad Request: parse_mode MarkdownV2 is not supported by this fake');
  });
});

describe('inline keyboards', () => {
  const keyboard = (button: Record<string, unknown>) => ({ inline_keyboard: [[button]] });

  it('accepts callback_data of 1 to 64 bytes and rejects more', async () => {
    const fits = await send({
      text: 'q',
      reply_markup: keyboard({ text: 'ok', callback_data: 'é'.repeat(32) }),
    });
    expect(fits.ok).toBe(true);
    const tooLong = await send({
      text: 'q',
      reply_markup: keyboard({ text: 'ok', callback_data: 'x'.repeat(65) }),
    });
    expect(tooLong).toEqual(badRequest('BUTTON_DATA_INVALID'));
    const empty = await send({ text: 'q', reply_markup: keyboard({ text: 'ok', callback_data: '' }) });
    expect(empty).toEqual(badRequest('BUTTON_DATA_INVALID'));
  });

  it('rejects an empty button text and a button that does nothing', async () => {
    expect(await send({ text: 'q', reply_markup: keyboard({ text: '', callback_data: 'a' }) })).toEqual(
      badRequest('BUTTON_TEXT_INVALID'),
    );
    expect(await send({ text: 'q', reply_markup: keyboard({ text: 'idle' }) })).toEqual(
      badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"),
    );
  });

  it('accepts reply_markup as a JSON string in form bodies', async () => {
    const markup = JSON.stringify(keyboard({ text: 'Yes', callback_data: 'yes' }));
    const reply = await callApi(
      tg,
      'sendMessage',
      { chat_id: USER, text: 'q', reply_markup: markup },
      'form',
    );
    expect(reply.result).toMatchObject({ reply_markup: keyboard({ text: 'Yes', callback_data: 'yes' }) });
  });
});

describe('edits and deletes', () => {
  const markup = { inline_keyboard: [[{ text: 'Stop', callback_data: 'stop' }]] };

  async function botMessage(): Promise<number> {
    const reply = await send({ text: 'working', reply_markup: markup });
    return (reply.result as { message_id: number }).message_id;
  }

  it('rejects an edit that changes nothing', async () => {
    const messageId = await botMessage();
    const reply = await callApi(tg, 'editMessageText', {
      chat_id: USER,
      message_id: messageId,
      text: 'working',
      reply_markup: markup,
    });
    expect(reply).toEqual(
      badRequest(
        'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      ),
    );
  });

  it('applies a real edit, and an edit without reply_markup removes the keyboard', async () => {
    const messageId = await botMessage();
    const reply = await callApi(tg, 'editMessageText', {
      chat_id: USER,
      message_id: messageId,
      text: 'done',
    });
    expect(reply.ok).toBe(true);
    expect(tg.messages(USER)).toMatchObject([{ messageId, text: 'done', edits: 1, replyMarkup: undefined }]);
  });

  it('edits only the keyboard, and rejects the same keyboard twice', async () => {
    const messageId = await botMessage();
    const edit = () => callApi(tg, 'editMessageReplyMarkup', { chat_id: USER, message_id: messageId });
    expect((await edit()).ok).toBe(true);
    expect((await edit()).description).toMatch(/^Bad Request: message is not modified/);
  });

  it('rejects editing or deleting a message that does not exist', async () => {
    expect(await callApi(tg, 'editMessageText', { chat_id: USER, message_id: 4242, text: 'x' })).toEqual(
      badRequest('message to edit not found'),
    );
    expect(await callApi(tg, 'deleteMessage', { chat_id: USER, message_id: 4242 })).toEqual(
      badRequest('message to delete not found'),
    );
  });

  it('deletes once; the second delete and later edits find nothing', async () => {
    const messageId = await botMessage();
    expect((await callApi(tg, 'deleteMessage', { chat_id: USER, message_id: messageId })).result).toBe(true);
    expect(await callApi(tg, 'deleteMessage', { chat_id: USER, message_id: messageId })).toEqual(
      badRequest('message to delete not found'),
    );
    expect(await callApi(tg, 'editMessageText', { chat_id: USER, message_id: messageId, text: 'x' })).toEqual(
      badRequest('message to edit not found'),
    );
    expect(tg.messages(USER)).toEqual([]);
  });

  it("refuses to edit the user's own message", async () => {
    const update = tg.sendText({ userId: USER, text: 'mine' });
    const messageId = (update.message as { message_id: number }).message_id;
    expect(await callApi(tg, 'editMessageText', { chat_id: USER, message_id: messageId, text: 'x' })).toEqual(
      badRequest("message can't be edited"),
    );
  });
});

describe('callback queries', () => {
  it('answers a pressed button once; a second answer or an unknown id is too old', async () => {
    const sent = await send({
      text: 'q',
      reply_markup: { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] },
    });
    const messageId = (sent.result as { message_id: number }).message_id;
    const update = tg.pressButton({ userId: USER, messageId, data: 'go' });
    const queryId = (update.callback_query as { id: string }).id;
    expect(update.callback_query).toMatchObject({
      from: { id: USER },
      data: 'go',
      message: { message_id: messageId },
    });

    expect((await callApi(tg, 'answerCallbackQuery', { callback_query_id: queryId, text: 'Going' })).ok).toBe(
      true,
    );
    const tooOld = badRequest('query is too old and response timeout expired or query ID is invalid');
    expect(await callApi(tg, 'answerCallbackQuery', { callback_query_id: queryId })).toEqual(tooOld);
    expect(await callApi(tg, 'answerCallbackQuery', { callback_query_id: '1' })).toEqual(tooOld);
    expect(tg.callbackAnswers()).toEqual([{ callbackQueryId: queryId, text: 'Going' }]);
  });

  it('will not press a button the message does not have', async () => {
    const sent = await send({
      text: 'q',
      reply_markup: { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] },
    });
    const messageId = (sent.result as { message_id: number }).message_id;
    expect(() => tg.pressButton({ userId: USER, messageId, data: 'stop' })).toThrow(/no button .*"stop"/);
  });
});

describe('commands, chat actions, reactions and drafts', () => {
  it('validates command names and descriptions', async () => {
    const set = (command: string, description: string) =>
      callApi(tg, 'setMyCommands', { commands: [{ command, description }] });
    expect((await set('new_session', 'Start a session')).ok).toBe(true);
    expect(tg.commands()).toEqual([{ command: 'new_session', description: 'Start a session' }]);
    expect(await set('New', 'x')).toEqual(badRequest('BOT_COMMAND_INVALID'));
    expect(await set('x'.repeat(33), 'x')).toEqual(badRequest('BOT_COMMAND_INVALID'));
    expect(await set('ok', '')).toEqual(badRequest('BOT_COMMAND_DESCRIPTION_INVALID'));
    expect(await set('ok', 'd'.repeat(257))).toEqual(badRequest('BOT_COMMAND_DESCRIPTION_INVALID'));
  });

  it('records chat actions and rejects unknown ones', async () => {
    expect((await callApi(tg, 'sendChatAction', { chat_id: USER, action: 'typing' })).ok).toBe(true);
    expect(await callApi(tg, 'sendChatAction', { chat_id: USER, action: 'dancing' })).toEqual(
      badRequest('wrong parameter action in request'),
    );
    expect(tg.chatActions(USER).map((action) => action.action)).toEqual(['typing']);
  });

  it('records reactions on existing messages', async () => {
    const reaction = [{ type: 'emoji', emoji: '👍' }];
    expect((await callApi(tg, 'setMessageReaction', { chat_id: USER, message_id: 1, reaction })).ok).toBe(
      true,
    );
    expect(tg.reactions(USER)).toEqual([{ chatId: USER, messageId: 1, reaction }]);
  });

  it('takes drafts in private chats only, with a non-zero draft_id and valid text', async () => {
    const draft = (params: Record<string, unknown>) =>
      callApi(tg, 'sendMessageDraft', { chat_id: USER, ...params });
    expect((await draft({ draft_id: 5, text: '<i>thinking</i>', parse_mode: 'HTML' })).ok).toBe(true);
    expect(await draft({ draft_id: 0, text: 'x' })).toEqual(badRequest('draft_id must be non-zero'));
    expect(await draft({ draft_id: 5, text: 'x'.repeat(4097) })).toEqual(badRequest('message is too long'));
    expect(await draft({ draft_id: 5, text: '<b>', parse_mode: 'HTML' })).toMatchObject({ status: 400 });
    tg.sendText({ userId: USER, chatId: -100, text: 'in a group' });
    expect((await callApi(tg, 'sendMessageDraft', { chat_id: -100, draft_id: 1, text: 'x' })).ok).toBe(false);
    expect(tg.drafts(USER)).toMatchObject([{ draftId: 5, text: 'thinking', entities: [{ type: 'italic' }] }]);
  });
});

describe('files', () => {
  it("serves the bytes of a user's document through getFile and the download route", async () => {
    const bytes = Buffer.from('log line 1\nlog line 2\n');
    const update = tg.sendDocument({ userId: USER, fileName: 'app.log', mimeType: 'text/plain', bytes });
    const document = (update.message as { document: { file_id: string; file_name: string } }).document;
    expect(document.file_name).toBe('app.log');

    const file = await callApi(tg, 'getFile', { file_id: document.file_id });
    const filePath = (file.result as { file_path: string }).file_path;
    const download = await fetch(`${tg.apiRoot}/file/bot${tg.token}/${filePath}`);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);

    const wrongToken = await fetch(`${tg.apiRoot}/file/bot123:WRONG/${filePath}`);
    expect(wrongToken.status).toBe(401);
    expect(await callApi(tg, 'getFile', { file_id: 'nope' })).toEqual(badRequest('invalid file_id'));
  });

  it('gives a user photo several sizes, each downloadable', async () => {
    const update = tg.sendPhoto({ userId: USER, caption: 'look', bytes: Buffer.from('jpeg-bytes') });
    const sizes = (update.message as { photo: Array<{ file_id: string }> }).photo;
    expect(sizes.length).toBeGreaterThan(1);
    const largest = sizes.at(-1)?.file_id;
    expect((await callApi(tg, 'getFile', { file_id: largest })).ok).toBe(true);
  });

  it('keeps documents and photos the bot uploads, and requires a file', async () => {
    const bytes = Buffer.from('%PDF-1.4 report');
    const sent = await upload(
      tg,
      'sendDocument',
      { chat_id: String(USER), caption: 'report' },
      { field: 'document', name: 'r.pdf', bytes },
    );
    expect(sent.result).toMatchObject({
      document: { file_name: 'r.pdf', file_size: bytes.length },
      caption: 'report',
    });
    const photo = await upload(
      tg,
      'sendPhoto',
      { chat_id: String(USER) },
      { field: 'photo', name: 'p.png', bytes },
    );
    expect(photo.ok).toBe(true);
    expect(tg.messages(USER)).toMatchObject([
      { text: 'report', document: { fileName: 'r.pdf', bytes } },
      { text: '', photo: { bytes } },
    ]);
    expect(await callApi(tg, 'sendDocument', { chat_id: USER })).toEqual(
      badRequest('there is no document in the request'),
    );
  });
});
