/** Polling after an outage: the bot hears the owner again within moments of Telegram coming back. */
import type { RunnerHandle } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBot, startPolling } from '../../src/telegram/bot.ts';
import { monotonicMs } from '../fakes/monotonic.ts';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/index.ts';
import { captureLogger } from '../sessions/helpers.ts';

const OWNER = 4242;
/** Short stand-ins for production's 250 ms doubling up to 5 s. */
const POLICY = { pollFirstDelayMs: 20, pollMaxDelayMs: 100 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let tg: FakeTelegram | undefined;
let runner: RunnerHandle | undefined;

afterEach(async () => {
  if (runner?.isRunning()) await runner.stop();
  await tg?.close();
  tg = undefined;
  runner = undefined;
});

function pollingBot(fake: FakeTelegram) {
  const log = captureLogger();
  const bot: Bot = createBot({
    token: fake.token,
    apiRoot: fake.apiRoot,
    allowedUserIds: [OWNER],
    logger: log.logger,
    retry: { policy: POLICY },
  });
  bot.on('message:text', (ctx) => ctx.reply(`heard: ${ctx.message.text}`));
  runner = startPolling(bot, log.logger);
  return log;
}

const failedPolls = (lines: ReturnType<typeof captureLogger>['lines']) =>
  lines.filter((line) => line.level === 40 && line.method === 'getUpdates');
const recoveries = (lines: ReturnType<typeof captureLogger>['lines']) =>
  lines.filter((line) => line.msg === 'Telegram reached again');

describe('polling through an outage', () => {
  it('resumes within moments of an unreachable Telegram coming back, however long it was away', async () => {
    const first = await startFakeTelegram({ rateLimits: false });
    tg = first;
    const { lines } = pollingBot(first);
    await vi.waitFor(() => expect(first.isPolling()).toBe(true), { timeout: 5_000 });

    await first.close(); // the router goes down: every connection is refused
    await sleep(1_500);
    const back = await startFakeTelegram({ rateLimits: false, port: Number(new URL(first.apiRoot).port) });
    tg = back;
    const backAt = monotonicMs();
    await vi.waitFor(() => expect(back.isPolling()).toBe(true), { timeout: 5_000, interval: 5 });
    expect(monotonicMs() - backAt).toBeLessThan(500);

    back.sendText({ userId: OWNER, text: 'still there?' });
    expect((await back.nextMessage(OWNER)).text).toBe('heard: still there?');
    const failed = failedPolls(lines);
    expect(failed.length).toBeGreaterThan(5);
    for (const line of failed) expect(line.nextTryMs).toBeLessThanOrEqual(POLICY.pollMaxDelayMs);
    expect(recoveries(lines)).toMatchObject([{ method: 'getUpdates', failures: failed.length }]);
  });

  it('keeps polling through Telegram errors, one warning each with the next wait, capped', async () => {
    tg = await startFakeTelegram({ rateLimits: false });
    const fake = tg;
    fake.failNext('getUpdates', 7, 500);
    const { lines } = pollingBot(fake);
    await vi.waitFor(() => expect(recoveries(lines)).toHaveLength(1), { timeout: 5_000 });
    expect(failedPolls(lines).map((line) => line.nextTryMs)).toEqual([20, 40, 80, 100, 100, 100, 100]);
    expect(failedPolls(lines)[0]?.error).toMatch(/500 Internal Server Error/);

    fake.sendText({ userId: OWNER, text: 'hello' });
    expect((await fake.nextMessage(OWNER)).text).toBe('heard: hello');
  });

  it('stops at once when asked to during an outage', async () => {
    const fake = await startFakeTelegram({ rateLimits: false });
    const { lines } = pollingBot(fake);
    await vi.waitFor(() => expect(fake.isPolling()).toBe(true), { timeout: 5_000 });
    await fake.close();
    await vi.waitFor(() => expect(failedPolls(lines).length).toBeGreaterThan(1), { timeout: 5_000 });
    const stopAt = monotonicMs();
    await runner?.stop();
    expect(monotonicMs() - stopAt).toBeLessThan(200);
    expect(runner?.isRunning()).toBe(false);
  });
});
