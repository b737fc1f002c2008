/** Starting and stopping the bot as a user does: `npm start` with settings, or without them. */
import { describe, expect, it } from 'vitest';
import { OWNER_ID, STRANGER_ID, startBotProcess, type World, withRunningBot } from './harness.ts';

describe('npm start without its required settings', () => {
  it('exits 2 within 2 s, naming each bad setting on its own line, with no stack trace', async () => {
    const started = Date.now();
    const bot = startBotProcess({ HOME: '/nonexistent', ALLOWED_USER_IDS: 'everyone' });
    const exit = await bot.exited;
    expect(exit.code).toBe(2);
    expect(Date.now() - started).toBeLessThan(2_000 + 1_500); // npm's own start-up on a busy CI box
    const lines = bot.output().split('\n');
    expect(lines.filter((line) => line.includes('TELEGRAM_BOT_TOKEN'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('ALLOWED_USER_IDS'))).toHaveLength(1);
    expect(bot.output()).not.toMatch(/\n\s+at /);
  });
});

describe('the bot against a Telegram-like server', () => {
  let world: World;

  withRunningBot((started) => {
    world = started;
  });

  it('registers its command menu', async () => {
    await expect.poll(() => world.tg.commands().map((c) => c.command)).toContain('new');
    expect(world.tg.commands().map((c) => c.command)).toEqual(
      expect.arrayContaining(['session', 'status', 'pbs', 'backups', 'beszel', 'kuma', 'ping', 'help']),
    );
  });

  it('answers /help to an allowed user with the commands', async () => {
    world.say('/help');
    const help = await world.tg.waitForMessage(OWNER_ID, '/new <name> [persona]');
    for (const command of ['/session', '/status', '/pbs', '/backups', '/beszel', '/kuma', '/ping'])
      expect(help.text).toContain(command);
  });

  it('refuses a stranger, runs nothing for them, and writes one audit line', async () => {
    world.tg.sendText({ userId: STRANGER_ID, text: '/help' });
    const refusal = await world.tg.waitForMessage(STRANGER_ID, 'private bot');
    expect(refusal.text).not.toContain('/new');
    await expect.poll(() => world.bot?.output() ?? '').toContain(`"userId":${STRANGER_ID}`);
    const audit = (world.bot?.output() ?? '')
      .split('\n')
      .filter((line) => line.includes('"audit":"refused"'));
    expect(audit).toHaveLength(1);
  });

  it("refuses a stranger's button press and changes nothing", async () => {
    world.say('/new alpha');
    await world.tg.waitForMessage(OWNER_ID, "Session 'alpha' created.");
    world.say('/new beta');
    await world.tg.waitForMessage(OWNER_ID, "Session 'beta' created.");
    world.say('/session');
    const list = await world.tg.waitForMessage(OWNER_ID, 'Usage: /session <name>');
    world.tg.pressButton({
      userId: STRANGER_ID,
      chatId: OWNER_ID,
      messageId: list.messageId,
      data: 'switch:alpha',
    });
    await expect
      .poll(() => world.tg.callbackAnswers().map((a) => a.text))
      .toContain('Sorry, this is a private bot.');
    world.say('/sessions');
    const sessions = await world.tg.waitForMessage(OWNER_ID, 'Sessions:');
    expect(sessions.text).toMatch(/▶️ beta/);
  });

  it('never logs the bot token', () => {
    expect(world.bot?.output()).not.toContain(world.tg.token.split(':')[1]);
  });

  it('exits 0 within 5 s of SIGTERM', async () => {
    const bot = world.bot;
    if (!bot) throw new Error('bot not started');
    const started = Date.now();
    const exit = await bot.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
