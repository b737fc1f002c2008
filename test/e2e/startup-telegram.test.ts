/**
 * Start-up that explains itself (issue 12, deliverable 9), tried as a new user would with `npm start`:
 * a token Telegram rejects, and a Telegram that cannot be reached at first.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/index.ts';
import { type BotProcess, OWNER_ID, startBotProcess, startWorld, type World, waitUntil } from './harness.ts';

let world: World | undefined;
let bot: BotProcess | undefined;
let lateTelegram: FakeTelegram | undefined;

afterEach(async () => {
  if (bot?.child.pid && bot.child.exitCode === null && bot.child.signalCode === null) {
    await Promise.race([bot.stop('SIGTERM'), new Promise((resolve) => setTimeout(resolve, 6_000))]);
  }
  await lateTelegram?.close();
  await world?.close();
  bot = world = lateTelegram = undefined;
}, 30_000);

/** A port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const logLines = (output: string, msg: string) =>
  output.split('\n').filter((line) => line.includes(`"msg":"${msg}`));

describe('npm start with a token Telegram rejects', () => {
  it('prints one plain line naming TELEGRAM_BOT_TOKEN, no stack trace, and exits 2', async () => {
    world = await startWorld();
    bot = startBotProcess({ ...world.env, TELEGRAM_BOT_TOKEN: '999999:not-the-token' });
    const exit = await Promise.race([
      bot.exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(bot?.output())), 20_000)),
    ]);
    const output = bot.output();
    expect(exit.code).toBe(2);
    const lines = output.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('TELEGRAM_BOT_TOKEN');
    expect(lines[0]).not.toMatch(/^\s*\{/);
    expect(output).not.toMatch(/\n\s+at /);
    expect(output).not.toContain('not-the-token');
    expect(await world.tg.callsTo('getUpdates')).toHaveLength(0);
  }, 30_000);
});

describe('npm start while Telegram cannot be reached', () => {
  it('warns on each retry with the next delay, says once when it is reached, then answers', async () => {
    world = await startWorld();
    const port = await freePort();
    bot = startBotProcess({ ...world.env, TELEGRAM_API_ROOT: `http://127.0.0.1:${port}` });
    const started = bot;
    await waitUntil(
      () => logLines(started.output(), 'cannot reach Telegram').length >= 3,
      30_000,
      () => started.output(),
    );
    const warnings = logLines(started.output(), 'cannot reach Telegram');
    for (const warning of warnings)
      expect(JSON.parse(warning)).toMatchObject({ nextTryMs: expect.any(Number) });
    // Not "started" while it has not reached Telegram once.
    expect(logLines(started.output(), 'bot started')).toEqual([]);

    lateTelegram = await startFakeTelegram({ port, token: world.tg.token });
    const telegram = lateTelegram;
    await waitUntil(
      () => telegram.isPolling(),
      20_000,
      () => started.output(),
    );
    expect(logLines(started.output(), 'Telegram reached again')).toHaveLength(1);
    telegram.sendText({ userId: OWNER_ID, text: '/help' });
    await telegram.waitForMessage(OWNER_ID, '/new <name> [persona]');
  }, 90_000);
});
