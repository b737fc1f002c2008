import { Writable } from 'node:stream';
import type { Api } from 'grammy';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBot } from '../../src/telegram/bot.ts';
import { createDelivery, type Delivery } from '../../src/telegram/delivery.ts';
import { renderMarkdown } from '../../src/telegram/render/index.ts';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/index.ts';
import { ManualClock } from './manual-clock.ts';

const OWNER = 4242;

interface LogLine {
  level: number;
  msg: string;
  what?: string;
}

let tg: FakeTelegram;
let clock: ManualClock;
let api: Api;
let logs: LogLine[];
let sleeps: number[];
let delivery: Delivery;

beforeEach(async () => {
  clock = new ManualClock();
  tg = await startFakeTelegram({ rateLimits: false, now: () => clock.now() });
  tg.sendText({ userId: OWNER, text: 'hello' }); // opens the private chat
  logs = [];
  const sink = new Writable({
    write(line, _encoding, done) {
      logs.push(JSON.parse(String(line)) as LogLine);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  sleeps = [];
  // The api exactly as production builds it (auto-retry and retry.ts included); only the waits
  // between retries of dropped connections and 5xx are recorded instead of slept.
  api = createBot({
    token: tg.token,
    apiRoot: tg.apiRoot,
    allowedUserIds: [OWNER],
    logger,
    // The fake's clock is the manual one: real-time flood pacing (tested on its own) would only slow these.
    floodLimits: false,
    retry: {
      now: () => clock.now(),
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.advance(ms);
      },
    },
  }).api;
  delivery = createDelivery(api, logger, { timers: clock });
});

afterEach(async () => {
  await tg.close();
});

const warnings = () => logs.filter((line) => line.level >= 40);

function paragraphs(count: number): string {
  return Array.from(
    { length: count },
    (_, n) =>
      `**Step ${n}.** Check that \`value_${n} < limit\` & the service answers. ${'More detail here. '.repeat(20)}`,
  ).join('\n\n');
}

describe('sendMarkdown', () => {
  it('sends a short answer as one formatted message', async () => {
    const ids = await delivery.sendMarkdown(OWNER, '**Done.** The file `a<b>.txt` is *gone*.');
    const [message] = tg.messages(OWNER);
    expect(ids).toEqual([message?.messageId]);
    expect(message?.text).toBe('Done. The file a<b>.txt is gone.');
    expect(message?.parseMode).toBe('HTML');
    expect(message?.entities.map((entity) => entity.type)).toEqual(['bold', 'code', 'italic']);
    expect(warnings()).toEqual([]);
  });

  it('falls back to the same text without markup when Telegram cannot parse the HTML', async () => {
    // Simulates a Telegram quirk: every HTML message arrives with markup the server rejects.
    api.config.use((previous, method, payload, signal) => {
      const html = method === 'sendMessage' && (payload as { parse_mode?: string }).parse_mode === 'HTML';
      const broken = html ? { ...payload, text: `${(payload as { text: string }).text}<unknown>` } : payload;
      return previous(method, broken as typeof payload, signal);
    });
    const markdown = '## Result\n\nAll **3** checks passed & nothing < 0.';
    const ids = await delivery.sendMarkdown(OWNER, markdown, {
      replyMarkup: { inline_keyboard: [[{ text: 'Again', callback_data: 'again' }]] },
    });
    const [message] = tg.messages(OWNER);
    expect(ids).toEqual([message?.messageId]);
    expect(message?.parseMode).toBeUndefined();
    expect(message?.text).toBe(renderMarkdown(markdown)[0]?.plain);
    expect(message?.replyMarkup).toEqual({ inline_keyboard: [[{ text: 'Again', callback_data: 'again' }]] });
    const attempts = tg.callsTo('sendMessage').map((call) => [call.status, call.description]);
    expect(attempts[0]?.[0]).toBe(400);
    expect(attempts[0]?.[1]).toMatch(/can't parse entities/);
    expect(attempts[1]?.[0]).toBe(200);
    expect(warnings().map((line) => line.what)).toEqual(['sendMessage html']);
  });

  it('splits a long answer into several valid messages and puts the buttons on the last', async () => {
    const markdown = paragraphs(25);
    const keyboard = { inline_keyboard: [[{ text: 'Continue', callback_data: 'continue' }]] };
    const ids = await delivery.sendMarkdown(OWNER, markdown, { replyMarkup: keyboard });
    const messages = tg.messages(OWNER);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.length).toBeLessThanOrEqual(4);
    expect(ids).toEqual(messages.map((message) => message.messageId));
    expect(messages.map((message) => message.text)).toEqual(
      renderMarkdown(markdown).map((chunk) => chunk.plain),
    );
    for (const message of messages) expect(message.parseMode).toBe('HTML');
    expect(messages.map((message) => message.replyMarkup !== undefined)).toEqual(
      messages.map((_, index) => index === messages.length - 1),
    );
  });

  it('sends a very long answer as its first part plus the whole Markdown as a file', async () => {
    const markdown = paragraphs(120);
    expect(renderMarkdown(markdown).length).toBeGreaterThan(4);
    const ids = await delivery.sendMarkdown(OWNER, markdown, { label: 'homelab' });
    const messages = tg.messages(OWNER);
    expect(messages).toHaveLength(2);
    expect(ids).toEqual(messages.map((message) => message.messageId));
    const [first, file] = messages;
    expect(first?.text.startsWith('[homelab]\nStep 0.')).toBe(true);
    expect(file?.document?.fileName).toBe('homelab.md');
    expect(file?.document?.bytes.toString('utf8')).toBe(markdown);
    expect(file?.text).toMatch(/full answer/i);
  });

  it('sends every part as messages when the file cannot be sent', async () => {
    api.config.use((previous, method, payload, signal) =>
      method === 'sendDocument'
        ? Promise.resolve({ ok: false, error_code: 400, description: 'Bad Request: file is too big' })
        : previous(method, payload, signal),
    );
    const markdown = paragraphs(120);
    const ids = await delivery.sendMarkdown(OWNER, markdown);
    const messages = tg.messages(OWNER);
    expect(messages.map((message) => message.text)).toEqual(
      renderMarkdown(markdown).map((chunk) => chunk.plain),
    );
    expect(ids).toHaveLength(messages.length);
  });

  it('gives up quietly, without retrying in other forms, when the owner has blocked the bot', async () => {
    const attempts: string[] = [];
    api.config.use((_previous, method) => {
      attempts.push(method);
      return Promise.resolve({
        ok: false,
        error_code: 403,
        description: 'Forbidden: bot was blocked by the user',
      });
    });
    const ids = await delivery.sendMarkdown(OWNER, '**Done**', {
      replyMarkup: { inline_keyboard: [[{ text: 'OK', callback_data: 'ok' }]] },
    });
    expect(ids).toEqual([]);
    expect(attempts).toEqual(['sendMessage']);
    expect(warnings()).toHaveLength(1);
  });

  it('prefixes every message with the bold label of the session it comes from', async () => {
    const markdown = paragraphs(22);
    await delivery.sendMarkdown(OWNER, markdown, { label: 'research' });
    const messages = tg.messages(OWNER);
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) {
      expect(message.text.startsWith('[research]\n')).toBe(true);
      expect(message.text.length).toBeLessThanOrEqual(4096);
      expect(message.entities[0]).toMatchObject({ type: 'bold', offset: 0, length: '[research]'.length });
    }
  });

  it('keeps a labelled message within 100 entities, the label included', async () => {
    const markdown = Array.from({ length: 150 }, (_, n) => `- **disk ${n}** ok`).join('\n');
    await delivery.sendMarkdown(OWNER, markdown, { label: 'homelab' });
    const messages = tg.messages(OWNER);
    expect(messages).toHaveLength(2);
    for (const message of messages) expect(message.entities.length).toBeLessThanOrEqual(100);
    expect(
      messages.flatMap((message) => message.entities).filter((entity) => entity.type === 'bold'),
    ).toHaveLength(152);
  });

  it('retries a message after a server error or a dropped connection, so it is not lost', async () => {
    tg.failNext('sendMessage', 1, 500);
    tg.failNext('sendMessage', 1, 'reset');
    const ids = await delivery.sendMarkdown(OWNER, 'Backup *finished*.');
    const messages = tg.messages(OWNER);
    expect(messages.map((message) => message.text)).toEqual(['Backup finished.']);
    expect(ids).toEqual([messages[0]?.messageId]);
    expect(sleeps).toEqual([1000, 2000]);
  });

  it('gives up on a message after three retries within the time bound, and says why', async () => {
    tg.failNext('sendMessage', 10, 500);
    await expect(delivery.sendMarkdown(OWNER, 'Backup *finished*.')).rejects.toThrow(/Internal Server Error/);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(tg.callsTo('sendMessage')).toHaveLength(4);
    expect(tg.messages(OWNER)).toEqual([]);
  });

  it('waits out a short flood wait once (auto-retry) and refuses to wait for a long one', async () => {
    tg.failNext('sendMessage', 1, 429, { retryAfter: 1 });
    const ids = await delivery.sendMarkdown(OWNER, 'After the flood wait.');
    expect(tg.messages(OWNER).map((message) => message.text)).toEqual(['After the flood wait.']);
    expect(ids).toHaveLength(1);
    const [refused, sent] = tg.callsTo('sendMessage');
    expect((sent?.monotonicAt ?? 0) - (refused?.monotonicAt ?? 0)).toBeGreaterThanOrEqual(900);

    tg.failNext('sendMessage', 1, 429, { retryAfter: 31 });
    await expect(delivery.sendMarkdown(OWNER, 'Not worth half a minute.')).rejects.toThrow(/retry after 31/);
    expect(sleeps).toEqual([]);
  });

  it.each(['```\n```', '#', '> ', '```'])(
    'sends the source of an answer that renders to nothing (%j) rather than silence',
    async (markdown) => {
      const ids = await delivery.sendMarkdown(OWNER, markdown, { label: 'work' });
      const messages = tg.messages(OWNER);
      expect(messages).toHaveLength(1);
      expect(ids).toEqual([messages[0]?.messageId]);
      expect(messages[0]?.text.startsWith('[work]')).toBe(true);
    },
  );

  it('sends nothing for an empty answer', async () => {
    expect(await delivery.sendMarkdown(OWNER, '\n\n')).toEqual([]);
    expect(tg.messages(OWNER)).toEqual([]);
  });
});

describe('sendText', () => {
  it('sends text literally, split when long, with the buttons on the last part', async () => {
    const text = Array.from({ length: 200 }, (_, n) => `<line ${n}> & **not bold** ${'x'.repeat(30)}`).join(
      '\n',
    );
    const id = await delivery.sendText(OWNER, text, {
      replyMarkup: { inline_keyboard: [[{ text: 'OK', callback_data: 'ok' }]] },
    });
    const messages = tg.messages(OWNER);
    expect(messages.length).toBe(3);
    expect(messages.map((message) => message.text).join('\n')).toBe(text);
    expect(messages.every((message) => message.entities.length === 0)).toBe(true);
    expect(id).toBe(messages.at(-1)?.messageId);
    expect(messages.at(-1)?.replyMarkup).toBeDefined();
  });
});

describe('startTyping', () => {
  it('shows typing at once and again every 4 seconds until stopped', async () => {
    const typing = delivery.startTyping(OWNER);
    await vi.waitFor(() => expect(tg.chatActions(OWNER)).toHaveLength(1));
    clock.advance(3999);
    clock.advance(1);
    await vi.waitFor(() => expect(tg.chatActions(OWNER)).toHaveLength(2));
    clock.advance(4000);
    await vi.waitFor(() => expect(tg.chatActions(OWNER)).toHaveLength(3));
    expect(tg.chatActions(OWNER).map((action) => action.action)).toEqual(['typing', 'typing', 'typing']);
    typing.stop();
    expect(clock.pending()).toBe(0);
    typing.stop();
  });
});

describe('statusLine', () => {
  const edits = () => tg.callsTo('editMessageText').filter((call) => call.status === 200);

  it('creates the message once, then edits it at most every 1.5 s to the newest text', async () => {
    const status = delivery.statusLine(OWNER);
    status.update('Reading config.json');
    await vi.waitFor(() => expect(tg.messages(OWNER)).toHaveLength(1));
    status.update('Running npm test');
    status.update('Editing src/main.ts');
    status.update('Running npm test again');
    clock.advance(1499);
    await new Promise((resolve) => setImmediate(resolve));
    expect(edits()).toHaveLength(0);
    clock.advance(1);
    await vi.waitFor(() => expect(tg.messages(OWNER)[0]?.text).toBe('Running npm test again'));
    expect(edits()).toHaveLength(1);

    status.update('Writing the report');
    clock.advance(1500);
    await vi.waitFor(() => expect(tg.messages(OWNER)[0]?.text).toBe('Writing the report'));
    const [firstEdit, secondEdit] = tg.callsTo('editMessageText').map((call) => call.at);
    expect((secondEdit ?? 0) - (firstEdit ?? 0)).toBeGreaterThanOrEqual(1500);
    expect(tg.messages(OWNER)).toHaveLength(1);
    expect(tg.callsTo('sendMessage')).toHaveLength(1);
  });

  it('does not edit for an update that repeats what is shown, and shrugs off "message is not modified"', async () => {
    const status = delivery.statusLine(OWNER);
    status.update('Compiling');
    await vi.waitFor(() => expect(tg.messages(OWNER)).toHaveLength(1));
    clock.advance(2000);
    status.update('Compiling');
    await new Promise((resolve) => setImmediate(resolve));
    expect(tg.callsTo('editMessageText')).toHaveLength(0);

    // Someone else already put this text there: Telegram answers "message is not modified".
    api.config.use((previous, method, payload, signal) =>
      previous(method, method === 'editMessageText' ? { ...payload, text: 'Compiling' } : payload, signal),
    );
    status.update('Linking');
    await vi.waitFor(() => expect(tg.callsTo('editMessageText')).toHaveLength(1));
    expect(tg.callsTo('editMessageText')[0]?.description).toMatch(/message is not modified/);
    await status.done('Built in 12 s');
    expect(warnings()).toEqual([]);
  });

  it('ends with the final text at once, or deletes the message when there is none', async () => {
    const finished = delivery.statusLine(OWNER);
    finished.update('Step 1');
    await vi.waitFor(() => expect(tg.messages(OWNER)).toHaveLength(1));
    finished.update('Step 2');
    await finished.done('✅ All steps done');
    expect(tg.messages(OWNER).map((message) => message.text)).toEqual(['✅ All steps done']);
    finished.update('late update');
    clock.advance(5000);
    expect(clock.pending()).toBe(0);

    const removed = delivery.statusLine(OWNER);
    removed.update('Thinking…');
    await vi.waitFor(() => expect(tg.messages(OWNER)).toHaveLength(2));
    await removed.done();
    expect(tg.messages(OWNER).map((message) => message.text)).toEqual(['✅ All steps done']);
    expect(tg.callsTo('deleteMessage')).toHaveLength(1);
  });
});
