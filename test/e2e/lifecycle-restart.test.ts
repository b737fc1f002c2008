/**
 * Crashes and restarts end to end, with the real CLI: kill -9 of Claude Code mid-turn, the fourth
 * crash in 10 minutes failing the session, and the bot restarted mid-turn.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeProcesses, defunctClaudes, OWNER_ID, startWorld, type World, waitUntil } from './harness.ts';
import {
  livePid,
  metadataOf,
  modelAsked,
  processesOf,
  requestWith,
  slowOrEcho,
} from './lifecycle-helpers.ts';

const chat = OWNER_ID;

describe('crashes and restarts, end to end', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({ script: slowOrEcho });
    await world.startBot();
  }, 60_000);
  afterAll(() => world?.close(), 30_000);

  it('kill -9 of Claude Code mid-turn: the owner is told, and the message is answered by a resumed process', async () => {
    world.say('/new crashy');
    await world.tg.waitForMessage(chat, "Session 'crashy' created.");
    world.say('first words');
    await world.tg.waitForMessage(chat, 'You said: first words', { timeoutMs: 30_000 });
    const pid = await livePid(world, 'crashy');
    world.say('slow work please');
    await modelAsked(world, 'slow work please');
    process.kill(pid, 'SIGKILL');
    await world.tg.waitForMessage(
      chat,
      /^⚠️ Claude Code stopped unexpectedly \(signal SIGKILL.*\)\. Restarting it .*your message will be answered\.$/,
      { timeoutMs: 15_000 },
    );
    await world.tg.waitForMessage(chat, 'You said: slow work please', { timeoutMs: 30_000 });
    const resumed = requestWith(world, 'slow work please');
    expect(JSON.stringify(resumed?.messages)).toContain('first words');
    expect(await defunctClaudes(world.home)).toEqual([]);
  });

  it('the fourth crash in 10 minutes marks the session failed; /session starts it again', async () => {
    let pid = await livePid(world, 'crashy');
    for (let crash = 2; crash <= 3; crash++) {
      process.kill(pid, 'SIGKILL');
      await world.tg.waitForMessage(chat, 'Restarting it with the conversation so far.', {
        timeoutMs: 15_000,
      });
      pid = await livePid(world, 'crashy', pid);
    }
    process.kill(pid, 'SIGKILL');
    const failed = await world.tg.waitForMessage(chat, 'Claude Code stopped 4 times in 10 min', {
      timeoutMs: 15_000,
    });
    expect(failed.text).toContain(
      "Session 'crashy' is marked failed; use /session crashy to start it again.",
    );
    await waitUntil(() => typeof metadataOf(world, 'crashy').failed_at === 'string', 5_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await processesOf(world, 'crashy')).toEqual([]);

    world.say('hello?');
    await world.tg.waitForMessage(chat, "Session 'crashy' failed: its Claude Code kept crashing");
    world.say('/sessions');
    await world.tg.waitForMessage(chat, /crashy: ❌ failed/);

    world.say('/session crashy');
    await world.tg.waitForMessage(chat, "Switched to session 'crashy'.");
    await livePid(world, 'crashy');
    expect(metadataOf(world, 'crashy').failed_at).toBeNull();
    world.say('back?');
    await world.tg.waitForMessage(chat, 'You said: back?', { timeoutMs: 30_000 });
  });

  it('a restart of the bot mid-turn: the cut-off message is taken up again, statuses are right, messages sent meanwhile are answered', async () => {
    world.say('/new other');
    await world.tg.waitForMessage(chat, "Session 'other' created.");
    world.say('/session crashy');
    await world.tg.waitForMessage(chat, "Switched to session 'crashy'.");
    world.say('slow goodbye');
    await modelAsked(world, 'slow goodbye');
    const exit = await world.bot?.stop('SIGTERM');
    expect(exit?.code).toBe(0);
    await world.tg.waitForMessage(chat, 'will be taken up again when it is back');
    await waitUntil(async () => (await claudeProcesses(world.home)).length === 0, 5_000);
    // The message is in the inbound journal, so it is not recorded as cut off: the next start replays it.
    const recorded = path.join(world.dataDir, 'state', 'interrupted.json');
    expect(existsSync(recorded)).toBe(false);

    world.say('are you back?');
    await world.startBot();
    await world.tg.waitForMessage(chat, "Resuming session 'crashy'", { timeoutMs: 30_000 });
    expect(metadataOf(world, 'other').status).toBe('suspended');
    await world.tg.waitForMessage(chat, 'You said: are you back?', { timeoutMs: 60_000 });
    expect(metadataOf(world, 'crashy').status).toBe('active');
  }, 120_000);
});
