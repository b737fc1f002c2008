/** The terminal the bot runs in goes away (SIGHUP): its Claude Code processes go with it. */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  claudeProcesses,
  defunctClaudes,
  delay,
  OWNER_ID,
  PROJECT_ROOT,
  startWorld,
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
    expect(await defunctClaudes(world.home)).toEqual([]);
  });
});

describe('a shutdown while Claude works', () => {
  let world: World;

  withRunningBot((started) => {
    world = started;
  });

  it('tells the owner the unanswered messages are taken up at the next start, then exits cleanly', async () => {
    world.model.setScript((turn) => ({
      text: `You said: ${turn.userText}`,
      chunks: ['You said: ', turn.userText],
      chunkDelayMs: 20_000,
    }));
    world.say('/new interrupted');
    await world.tg.waitForMessage(OWNER_ID, "Session 'interrupted' created.");
    world.say('a long job');
    world.say('and one more thing');
    await waitUntil(async () => world.model.requests.length === 1, 15_000);
    const bot = world.bot;
    if (!bot) throw new Error('bot not started');

    const exit = await bot.stop('SIGTERM');
    expect(exit.code).toBe(0);
    await world.tg.waitForMessage(
      OWNER_ID,
      // The inbound journal keeps them: the next start answers them (test/e2e/journal.test.ts).
      'The bot is shutting down: your last 2 messages will be taken up again when it is back.',
    );
    await waitUntil(async () => (await claudeProcesses(world.home)).length === 0, 3_000);
    expect(await defunctClaudes(world.home)).toEqual([]);
  });
});

describe('a stdout that went away (the terminal closed, the log pipe broke)', () => {
  let world: World;

  withRunningBot((started) => {
    world = started;
  });

  it('costs the log lines, not the bot: it still answers, and still stops on SIGTERM with its sessions', async () => {
    const bot = world.bot;
    if (!bot) throw new Error('bot not started');
    world.say('/new unlogged');
    await world.tg.waitForMessage(OWNER_ID, "Session 'unlogged' created.");
    bot.child.stdout?.destroy();
    bot.child.stderr?.destroy();

    // Each of these logs a line at info level into the broken pipe.
    world.say('/new also-unlogged');
    await world.tg.waitForMessage(OWNER_ID, "Session 'also-unlogged' created.");
    world.say('/session unlogged');
    await world.tg.waitForMessage(OWNER_ID, "Switched to session 'unlogged'.");

    const started = Date.now();
    const exit = await Promise.race([bot.stop('SIGTERM'), delay(8_000).then(() => 'still running')]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(5_000);
    await waitUntil(async () => (await claudeProcesses(world.home)).length === 0, 3_000);
  });
});

describe('a stdout that cannot be written at all (the terminal was closed)', () => {
  it('still lets the bot answer, and stop on SIGTERM with its sessions', async () => {
    const world = await startWorld();
    // Every write to this fails, as writes to a terminal that went away do (EIO).
    const unwritable = openSync('/dev/null', 'r');
    const bot = spawn('npm', ['start', '--silent'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...world.env },
      stdio: ['ignore', unwritable, unwritable],
      detached: true,
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      bot.once('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      world.say('/new unwritable');
      await world.tg.waitForMessage(OWNER_ID, "Session 'unwritable' created.", { timeoutMs: 20_000 });
      await waitUntil(async () => (await claudeProcesses(world.home)).length === 1, 15_000);
      bot.kill('SIGTERM');
      expect(await Promise.race([exited, delay(8_000).then(() => 'still running')])).toEqual({
        code: 0,
        signal: null,
      });
      await waitUntil(async () => (await claudeProcesses(world.home)).length === 0, 3_000);
    } finally {
      closeSync(unwritable);
      if (bot.pid !== undefined && bot.exitCode === null) process.kill(-bot.pid, 'SIGKILL');
      await world.close();
    }
  }, 60_000);
});
