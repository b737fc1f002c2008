/** The terminal the bot runs in goes away (SIGHUP): its Claude Code processes go with it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeProcesses, defunctClaudes, OWNER_ID, startWorld, type World, waitUntil } from './harness.ts';

describe('a hang-up', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
    await world.startBot();
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  }, 30_000);

  it('ends the bot like SIGTERM, leaving no claude process behind', async () => {
    world.say('/new hangup');
    await world.tg.waitForMessage(OWNER_ID, "Session 'hangup' created.");
    await waitUntil(async () => (await claudeProcesses(world.home)).length === 1, 15_000);
    const bot = world.bot;
    if (!bot?.child.pid) throw new Error('bot not started');
    // A closing terminal signals its whole foreground process group: npm and the bot alike.
    process.kill(-bot.child.pid, 'SIGHUP');
    await bot.exited;
    expect(bot.output()).toContain('"signal":"SIGHUP","msg":"shutting down"');
    await waitUntil(async () => (await claudeProcesses(world.home)).length === 0, 3_000);
    expect(await defunctClaudes()).toEqual([]);
  });
});
