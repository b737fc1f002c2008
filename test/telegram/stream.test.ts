/** Answers streamed as written, against the strict fake Telegram with its flood limits on. */
import type { Api } from 'grammy';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBot } from '../../src/telegram/bot.ts';
import { createAnswerStream, previewOf } from '../../src/telegram/stream.ts';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/index.ts';
import { ManualClock } from './manual-clock.ts';

const OWNER = 4242;
const GROUP = -100_777;

let tg: FakeTelegram;
let clock: ManualClock;
let api: Api;
const logger = pino({ level: 'silent' });

beforeEach(async () => {
  clock = new ManualClock();
  tg = await startFakeTelegram({ now: () => clock.now() });
  tg.sendText({ userId: OWNER, text: 'hello' });
  tg.sendText({ userId: OWNER, chatId: GROUP, text: 'hello' });
  // The stream's own pace is under test, on the fake's manual clock: no real-time flood pacing beneath it.
  api = createBot({
    token: tg.token,
    apiRoot: tg.apiRoot,
    allowedUserIds: [OWNER],
    logger,
    floodLimits: false,
  }).api;
});

afterEach(async () => {
  await tg.close();
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

/** Claude writing `total` characters over `seconds`, in pieces every `stepMs`. */
async function writeAnswer(
  update: (text: string) => void,
  total: number,
  seconds: number,
  stepMs = 100,
): Promise<string> {
  const steps = (seconds * 1000) / stepMs;
  let text = '';
  for (let step = 1; step <= steps; step++) {
    const length = Math.round((total * step) / steps);
    text += `${'word '.repeat(Math.ceil((length - text.length) / 5))}`.slice(0, length - text.length);
    update(text);
    await settle();
    clock.advance(stepMs);
  }
  return text;
}

describe('createAnswerStream', () => {
  it('shows the first text at once as a draft in a private chat, then at most one draft a second', async () => {
    const stream = createAnswerStream(api, logger, OWNER, { timers: clock });
    stream.update('The answer **starts**');
    await vi.waitFor(() => expect(tg.drafts(OWNER)).toHaveLength(1));
    const [first] = tg.drafts(OWNER);
    expect(first?.text).toBe('The answer starts');
    expect(first?.entities.map((entity) => entity.type)).toEqual(['bold']);
    await writeAnswer((text) => stream.update(text), 5_000, 10);
    await stream.stop();
    // 10 s of streaming: the first draft plus at most one a second.
    expect(tg.drafts(OWNER).length).toBeLessThanOrEqual(11);
    expect(tg.drafts(OWNER).length).toBeGreaterThan(5);
    expect(new Set(tg.drafts(OWNER).map((draft) => draft.draftId)).size).toBe(1);
    expect(tg.calls.filter((call) => call.status === 429)).toEqual([]);
  });

  it('edits one preview message in a group at a pace the flood limits allow, then removes it', async () => {
    const stream = createAnswerStream(api, logger, GROUP, { timers: clock });
    await writeAnswer((text) => stream.update(text), 5_000, 60, 400);
    await stream.stop();
    const calls = tg.calls.filter((call) => String(call.params.chat_id) === String(GROUP));
    expect(calls.filter((call) => call.status === 429)).toEqual([]);
    expect(calls.filter((call) => call.method === 'sendMessage')).toHaveLength(1);
    // A minute of streaming: at most one edit every 4 s.
    expect(calls.filter((call) => call.method === 'editMessageText').length).toBeLessThanOrEqual(15);
    expect(tg.messages(GROUP)).toHaveLength(1);
    await stream.discard();
    expect(tg.messages(GROUP)).toHaveLength(0);
  });

  it('sends only the newest text once the pace allows, and nothing after stop', async () => {
    const stream = createAnswerStream(api, logger, OWNER, { timers: clock });
    stream.update('one');
    await settle();
    stream.update('one two');
    stream.update('one two three');
    await settle();
    clock.advance(1_000);
    await settle();
    stream.update('one two three four');
    await stream.stop();
    clock.advance(5_000);
    await settle();
    expect(tg.drafts(OWNER).map((draft) => draft.text)).toEqual(['one', 'one two three']);
  });

  it('previews the end of a long answer from a line start, within one message', () => {
    const long = Array.from({ length: 400 }, (_, n) => `line ${n} of the answer`).join('\n');
    const preview = previewOf(long);
    expect(preview.plain.startsWith('…\nline ')).toBe(true);
    expect(preview.plain.endsWith('line 399 of the answer')).toBe(true);
    expect(preview.plain.length).toBeLessThan(4096);
  });
});
