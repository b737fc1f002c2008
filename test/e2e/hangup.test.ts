/** The terminal the bot runs in goes away (SIGHUP): its Claude Code processes go with it. */
import { describe, expect, it } from 'vitest';
import {
  claudeProcesses,
  defunctClaudes,
  OWNER_ID,
  type World,
  waitUntil,
  withRunningBot,
} from './harness.ts';

describe('a hang-up', () => {
  let world: World;

  withRunningBot((started) => {
    world = started;
  });

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
