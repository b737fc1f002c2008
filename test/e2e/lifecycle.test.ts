/**
 * A session's life end to end, with the real CLI: idle suspend (SESSION_IDLE_TIMEOUT=2s), resume
 * with the whole history, a conversation that cannot be resumed, /timeout and /sessions.
 * Crashes and restarts of the bot are in lifecycle-restart.test.ts.
 */
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeProcesses, defunctClaudes, OWNER_ID, startWorld, type World, waitUntil } from './harness.ts';
import { metadataOf, modelAsked, processesOf, requestWith, slowOrEcho } from './lifecycle-helpers.ts';

const chat = OWNER_ID;

describe('idle suspend and resume, end to end', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({ script: slowOrEcho });
    await world.startBot({ SESSION_IDLE_TIMEOUT: '2s' });
  }, 60_000);
  afterAll(() => world?.close(), 30_000);

  it('an idle session loses its process (none left, no zombie) and is marked suspended', async () => {
    world.say('/new idler');
    await world.tg.waitForMessage(chat, "Session 'idler' created.");
    world.say('remember apples');
    await world.tg.waitForMessage(chat, 'You said: remember apples', { timeoutMs: 30_000 });
    await waitUntil(async () => (await processesOf(world, 'idler')).length === 0, 15_000);
    // A process that just ended is a zombie until its parent reaps it: none may stay.
    await waitUntil(async () => (await defunctClaudes(world.home)).length === 0, 5_000);
    await waitUntil(() => metadataOf(world, 'idler').status === 'suspended', 5_000);
  });

  it('the next message resumes it: the notice, then the answer, and the model gets the earlier exchange', async () => {
    world.say('what did I ask you to remember?');
    await world.tg.waitForMessage(chat, /^Resuming session 'idler' \(idle for \d+ s\)…$/);
    await world.tg.waitForMessage(chat, 'You said: what did I ask you to remember?', { timeoutMs: 30_000 });
    const request = requestWith(world, 'what did I ask you to remember?');
    expect(JSON.stringify(request?.messages)).toContain('remember apples');
    expect(JSON.stringify(request?.messages)).toContain('You said: remember apples');
    expect(metadataOf(world, 'idler').status).toBe('active');
  });

  it('the idle timer does not end a turn that takes longer than the timeout', async () => {
    world.say('slow and steady wins the race');
    await modelAsked(world, 'slow and steady');
    const [working] = await processesOf(world, 'idler');
    expect(working).toBeDefined();
    await world.tg.waitForMessage(chat, 'You said: slow and steady wins the race', { timeoutMs: 30_000 });
    // The same process answered: it was not suspended mid-turn and resumed.
    expect((await claudeProcesses(world.home)).map((p) => p.pid)).toContain(working?.pid);
    await waitUntil(async () => (await processesOf(world, 'idler')).length === 0, 15_000);
  });

  it('a conversation that cannot be resumed is said plainly, with a Start fresh button, and nothing is sent meanwhile', async () => {
    const id = String(metadataOf(world, 'idler').claude_session_id);
    const projects = path.join(world.home, '.claude', 'projects');
    const transcripts = readdirSync(projects, { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith(`${id}.jsonl`),
    );
    expect(transcripts).toHaveLength(1);
    for (const file of transcripts) rmSync(path.join(projects, file));

    const requestsBefore = world.model.requests.length;
    world.say('are you still there?');
    await world.tg.waitForMessage(chat, "Resuming session 'idler'");
    const notice = await world.tg.waitForMessage(chat, 'cannot be resumed', { timeoutMs: 30_000 });
    expect(notice.text).toContain('Your message waits; nothing was sent to Claude.');
    const button = notice.replyMarkup?.inline_keyboard.flat()[0];
    expect(button).toMatchObject({
      text: expect.stringContaining('Start fresh'),
      callback_data: 'fresh:idler',
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(world.model.requests.length).toBe(requestsBefore);

    world.tg.pressButton({ userId: OWNER_ID, messageId: notice.messageId, data: 'fresh:idler' });
    await world.tg.waitForMessage(chat, "Starting a fresh conversation in session 'idler'.");
    await world.tg.waitForMessage(chat, 'You said: are you still there?', { timeoutMs: 30_000 });
    const fresh = requestWith(world, 'are you still there?');
    expect(JSON.stringify(fresh?.messages)).not.toContain('remember apples');
    await waitUntil(() => metadataOf(world, 'idler').claude_session_id !== id, 5_000);
  });

  it('/timeout shows, sets and refuses, and the session keeps its process when set to never', async () => {
    world.say('/timeout');
    await world.tg.waitForMessage(chat, "Idle timeout for 'idler': 2 s. (the default)");
    world.say('/timeout many');
    await world.tg.waitForMessage(chat, 'Usage: /timeout [minutes]');
    world.say('/timeout 1441');
    await world.tg.waitForMessage(chat, 'Usage: /timeout [minutes]');
    world.say('/timeout 0');
    await world.tg.waitForMessage(chat, "Idle timeout for 'idler': never.");
    expect(metadataOf(world, 'idler').idle_timeout_minutes).toBe(0);
    world.say('/timeout 15');
    await world.tg.waitForMessage(chat, "Idle timeout for 'idler': 15 min.");
    expect(metadataOf(world, 'idler').idle_timeout_minutes).toBe(15);

    world.say('/session idler');
    await world.tg.waitForMessage(chat, "Switched to session 'idler'.");
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await processesOf(world, 'idler')).toHaveLength(1);
  });

  it('/sessions lists each session with its state, most recent first, tappable, with the memory of live processes', async () => {
    world.say('/new later planner');
    await world.tg.waitForMessage(chat, "Session 'later' created with persona 'planner'.");
    await waitUntil(async () => (await processesOf(world, 'later')).length === 0, 15_000);
    world.say('/sessions');
    const list = await world.tg.waitForMessage(chat, 'Sessions:');
    const lines = list.text.split('\n');
    expect(lines[1]).toMatch(/^▶️ later: 💤 suspended, planner, default model, mode default, just now$/);
    expect(lines[2]).toMatch(/^• idler: 🟢 live, idle, default, /);
    expect(lines.at(-1)).toMatch(/^1 Claude Code process running, \d+ MB in memory\.$/);
    const buttons = list.replyMarkup?.inline_keyboard
      .flat()
      .map((b) => (b as { callback_data?: string }).callback_data);
    expect(buttons).toEqual(['switch:later', 'switch:idler']);
  });
});
