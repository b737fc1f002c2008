/**
 * An answer is never lost: long answers arrive whole and valid, and when Telegram takes nothing
 * for half a minute the answer is kept and arrives late once Telegram is back (/last has it too).
 */
import type { Bot } from 'grammy';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClaudeEvent } from '../../src/claude/events.ts';
import type { SessionPreferences } from '../../src/sessions/preferences.ts';
import { AnswerKeeper } from '../../src/telegram/answers.ts';
import { createBot } from '../../src/telegram/bot.ts';
import { outputCommands } from '../../src/telegram/commands/output.ts';
import { type AnswerDelivery, createDelivery } from '../../src/telegram/delivery.ts';
import { sendFinalAnswer } from '../../src/telegram/final-answer.ts';
import { SessionOutput } from '../../src/telegram/session-output.ts';
import { checkTelegramHtml } from '../fakes/telegram/check.ts';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/index.ts';
import { ManualClock } from './manual-clock.ts';
import { textUpdate } from './offline-bot.ts';

const OWNER = 4242;
const logger = pino({ level: 'silent' });

let tg: FakeTelegram;
let clock: ManualClock;
let bot: Bot;
let delivery: AnswerDelivery;
let keeper: AnswerKeeper;
let output: SessionOutput;

beforeEach(async () => {
  clock = new ManualClock();
  tg = await startFakeTelegram({ rateLimits: false, now: () => clock.now() });
  tg.sendText({ userId: OWNER, text: 'hello' });
  // Production's api: auto-retry and retry.ts, whose waits move the manual clock instead of sleeping.
  bot = createBot({
    token: tg.token,
    apiRoot: tg.apiRoot,
    allowedUserIds: [OWNER],
    logger,
    retry: { now: () => clock.now(), sleep: async (ms) => clock.advance(ms) },
  });
  delivery = createDelivery(bot.api, logger, { timers: clock });
  keeper = new AnswerKeeper({
    send: (chatId, text) => delivery.sendText(chatId, text),
    sendAnswer: (chatId, kept, label) =>
      sendFinalAnswer(delivery, chatId, kept.answer, { mode: kept.mode, label }),
    activeSessionOf: async () => 'work',
    timers: clock,
    logger,
  });
  output = new SessionOutput({
    delivery,
    activeSessionOf: async () => 'work',
    isBusy: () => false,
    keeper,
    timers: clock,
    logger,
  });
  bot.use(
    outputCommands({
      preferences: {} as SessionPreferences,
      keeper,
      delivery,
      activeSessionOf: async () => 'work',
    }),
  );
  await bot.init();
});

afterEach(async () => {
  keeper.close();
  await tg.close();
});

const completed = (answer: string): ClaudeEvent => ({
  type: 'completed',
  sessionId: 's',
  answer,
  isError: false,
  durationMs: 1,
  numTurns: 1,
  totalCostUsd: 0,
  usage: { inputTokens: 1, outputTokens: 1 },
});

/** About 20,000 characters of Markdown with a code block in every section. */
function longAnswer(): string {
  const sections = Array.from({ length: 28 }, (_, n) =>
    [
      `## Step ${n}`,
      `Check that \`value_${n} < limit\` & the **service** answers. ${'Detail. '.repeat(75)}`,
      '```ts',
      `const step${n} = await check(${n}); // <${n}>`,
      '```',
    ].join('\n'),
  );
  return sections.join('\n\n');
}

describe('never losing an answer', () => {
  it('sends a 20,000-character answer with code blocks as a valid head plus the whole text as a file', async () => {
    const answer = longAnswer();
    expect(answer.length).toBeGreaterThan(19_000);
    output.handle(OWNER, 'work', completed(answer));
    await output.drained();
    const messages = tg.messages(OWNER);
    const [head, file] = messages;
    expect(messages).toHaveLength(2);
    expect(head?.text.startsWith('Step 0')).toBe(true);
    expect(head?.parseMode).toBe('HTML');
    expect(file?.document?.bytes.toString('utf8')).toBe(answer);
    for (const call of tg.callsTo('sendMessage')) {
      expect(call.status).toBe(200);
      expect(checkTelegramHtml(String(call.params.text), 'text').ok).toBe(true);
    }
  });

  it('keeps the answer while Telegram fails every send for 30 s, sends it late once it is back, and /last has it', async () => {
    const startedAt = clock.now();
    // Every send fails with a 500 until Telegram has been down for 30 s on the clock.
    let down = true;
    bot.api.config.use((previous, method, payload, signal) => {
      if (down && clock.now() - startedAt >= 30_000) down = false;
      if (down && method.startsWith('send'))
        return Promise.resolve({ ok: false, error_code: 500, description: 'Internal Server Error' }) as never;
      return previous(method, payload, signal);
    });
    output.handle(OWNER, 'work', completed('The backup **finished** at 03:00.'));
    await output.drained();
    expect(tg.messages(OWNER)).toEqual([]);
    expect(keeper.waiting).toBe(1);
    // The keeper asks after Telegram with growing waits; the clock runs on until it gets through.
    for (let i = 0; i < 20 && keeper.waiting > 0; i++) {
      clock.advance(5_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await vi.waitFor(() => expect(tg.messages(OWNER)).toHaveLength(2));
    expect(clock.now() - startedAt).toBeGreaterThanOrEqual(30_000);
    expect(tg.messages(OWNER).map((message) => message.text)).toEqual([
      "Telegram could not take an answer from 'work' for a while. Here it is, late:",
      'The backup finished at 03:00.',
    ]);
    expect(tg.messages(OWNER)[1]?.parseMode).toBe('HTML');
    await bot.handleUpdate(textUpdate(OWNER, '/last'));
    expect(tg.messages(OWNER).at(-1)?.text).toBe('The backup finished at 03:00.');
  });
});
