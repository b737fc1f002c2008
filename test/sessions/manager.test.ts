/**
 * The session manager's decisions (which reply, which process, which chat), with a recording
 * process in place of Claude Code: the real CLI is exercised in test/e2e/.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaudeEvent } from '../../src/claude/events.ts';
import { ChatStore } from '../../src/sessions/chat-store.ts';
import { SessionManager } from '../../src/sessions/manager.ts';
import { PersonaLibrary, SHIPPED_PERSONAS_DIR } from '../../src/sessions/personas.ts';
import { type MetadataPatch, SessionStore } from '../../src/sessions/session-store.ts';
import { captureLogger, makeTempDir, manualClock } from './helpers.ts';
import { RecordingProcess } from './recording-process.ts';

let dataDir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir: dataDir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

/** A store whose metadata writes fail while `failing` says so, as a full or read-only disk would. */
class FailingStore extends SessionStore {
  failing: (patch: MetadataPatch) => boolean = () => false;
  override async update(name: string, patch: MetadataPatch) {
    if (this.failing(patch))
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    return super.update(name, patch);
  }
}

function setup() {
  const { logger, warnings } = captureLogger();
  const clock = manualClock();
  const store = new FailingStore({ dataDir, now: clock.now, logger });
  const chats = new ChatStore({ dataDir, logger });
  const personas = new PersonaLibrary({
    shippedDir: SHIPPED_PERSONAS_DIR,
    ownerDir: `${dataDir}/personas`,
    logger,
  });
  const processes: RecordingProcess[] = [];
  const events: Array<{ chatId: unknown; session: string; event: ClaudeEvent }> = [];
  const manager = new SessionManager({
    sessions: store,
    chats,
    personas,
    now: clock.now,
    logger,
    startProcess: ({ session }) => {
      const process = new RecordingProcess(session.metadata.name);
      processes.push(process);
      return process;
    },
    onEvent: (chatId, session, event) => events.push({ chatId, session, event }),
  });
  return { manager, store, chats, processes, events, clock, warnings };
}

function completedEvent(answer: string, sessionId = 'abc-123'): ClaudeEvent {
  return {
    type: 'completed',
    sessionId,
    answer,
    isError: false,
    durationMs: 1,
    numTurns: 1,
    totalCostUsd: 0,
    usage: { inputTokens: 1, outputTokens: 1 },
  };
}

describe('SessionManager', () => {
  it('/new creates, switches and starts one process at once', async () => {
    const { manager, store, chats, processes } = setup();
    expect(await manager.create(1, 'work')).toEqual({
      ok: true,
      kind: 'created',
      name: 'work',
      persona: 'default',
      personaGiven: false,
    });
    expect(processes.map((p) => p.session)).toEqual(['work']);
    expect(await chats.activeName(1)).toBe('work');
    expect((await store.get('work'))?.metadata).toMatchObject({ persona: 'default', status: 'active' });
  });

  it('names the persona when one is given, and lists the personas when it is unknown', async () => {
    const { manager, processes } = setup();
    expect(await manager.create(1, 'ideas', 'brainstorm')).toMatchObject({
      ok: true,
      persona: 'brainstorm',
      personaGiven: true,
    });
    const unknown = await manager.create(1, 'other', 'pirate');
    expect(unknown).toMatchObject({ ok: false, reason: 'unknown_persona', persona: 'pirate' });
    const available = unknown.ok || unknown.reason !== 'unknown_persona' ? [] : unknown.available;
    expect(available.map((persona) => persona.name)).toEqual([
      'brainstorm',
      'default',
      'planner',
      'research',
    ]);
    expect(available.every((persona) => persona.description.length > 0)).toBe(true);
    expect(processes).toHaveLength(1);
    expect(await readdir(`${dataDir}/sessions`)).toEqual(['ideas']);
  });

  it('refuses bad names without touching the disk', async () => {
    const { manager, processes } = setup();
    for (const name of ['../etc', 'a/b', '-dash', 'x'.repeat(33), 'ünï']) {
      expect(await manager.create(1, name)).toEqual({ ok: false, reason: 'invalid_name', name });
    }
    expect(processes).toHaveLength(0);
  });

  it('switching keeps the session left behind running, and reuses a live process', async () => {
    const { manager, processes } = setup();
    await manager.create(1, 'a');
    await manager.create(1, 'b');
    expect(await manager.switchTo(1, 'a')).toEqual({ ok: true, kind: 'switched', name: 'a' });
    expect(processes.map((p) => [p.session, p.closed])).toEqual([
      ['a', false],
      ['b', false],
    ]);
    expect(manager.liveSessions().sort()).toEqual(['a', 'b']);
  });

  it('a leftover folder that is not a session is named as such, not as an existing session', async () => {
    const { manager, processes } = setup();
    await mkdir(`${dataDir}/sessions/leftover`, { recursive: true });
    expect(await manager.create(1, 'leftover')).toEqual({
      ok: false,
      reason: 'folder_not_a_session',
      name: 'leftover',
      metadata: 'missing',
    });
    await writeFile(`${dataDir}/sessions/leftover/metadata.json`, '{"name": "left');
    expect(await manager.create(1, 'leftover')).toMatchObject({
      reason: 'folder_not_a_session',
      metadata: 'damaged',
    });
    await manager.create(1, 'kept');
    expect(await manager.create(1, 'kept')).toEqual({ ok: false, reason: 'exists', name: 'kept' });
    expect(processes.map((p) => p.session)).toEqual(['kept']);
  });

  it('switching to an unknown session, or to an invalid name, is not_found', async () => {
    const { manager } = setup();
    expect(await manager.switchTo(1, 'ghost')).toEqual({ ok: false, reason: 'not_found', name: 'ghost' });
    expect(await manager.switchTo(1, '../x')).toEqual({ ok: false, reason: 'not_found', name: '../x' });
  });

  it('switching to a session whose metadata.json is damaged says so, and the overview lists it as unreadable', async () => {
    const { manager } = setup();
    await manager.create(1, 'dented');
    await manager.create(1, 'kept');
    await writeFile(`${dataDir}/sessions/dented/metadata.json`, '{"name": "dent');
    expect(await manager.switchTo(1, 'dented')).toMatchObject({
      ok: false,
      reason: 'damaged_metadata',
      name: 'dented',
      detail: expect.stringContaining('not valid JSON'),
    });
    const overview = await manager.overview();
    expect(overview.sessions.map((session) => session.name)).toEqual(['kept']);
    expect(overview.unreadable).toEqual(['dented']);
    expect(await manager.activeName(1)).toBe('kept');
    // The active session damaged while it has no process: a message says so, not "no active session".
    await manager.stop('kept');
    await writeFile(`${dataDir}/sessions/kept/metadata.json`, '[]');
    expect(await manager.send(1, 'hello')).toMatchObject({
      ok: false,
      reason: 'damaged_metadata',
      name: 'kept',
    });
  });

  it("plain text goes to the chat's active session, in order; without one it says how to start", async () => {
    const { manager, processes } = setup();
    expect(await manager.send(1, 'hello')).toEqual({ ok: false, reason: 'no_active_session' });
    await manager.create(1, 'a');
    await manager.send(1, 'one');
    await manager.send(1, 'two');
    expect(processes[0]?.sent).toEqual(['one', 'two']);
  });

  it('keeps last_active_at to the minute, without a disk write for every message', async () => {
    const { manager, store, clock } = setup();
    await manager.create(1, 'a');
    const lastActive = async () => (await store.get('a'))?.metadata.last_active_at;
    clock.advance(5_000);
    await manager.send(1, 'first');
    const first = await lastActive();
    expect(first).toBe(clock.now().toISOString());
    clock.advance(30_000);
    await manager.send(1, 'soon after');
    expect(await lastActive()).toBe(first);
    clock.advance(30_000);
    await manager.send(1, 'a minute later');
    expect(await lastActive()).toBe(clock.now().toISOString());
  });

  it('an event of no message goes to the chat that used the session last, and its session id is recorded', async () => {
    const { manager, store, processes, events } = setup();
    await manager.create(1, 'shared');
    await manager.switchTo(2, 'shared');
    processes[0]?.emit({ type: 'started', sessionId: 'abc-123', model: 'm' });
    expect(events).toEqual([
      { chatId: 2, session: 'shared', event: expect.objectContaining({ type: 'started' }) },
    ]);
    await expect.poll(async () => (await store.get('shared'))?.metadata.claude_session_id).toBe('abc-123');
  });

  it('a session used from two chats answers each chat in its own, even when the other wrote last', async () => {
    const { manager, processes, events } = setup();
    await manager.create(1, 'shared');
    await manager.switchTo(2, 'shared');
    await manager.send(1, 'a long question from chat 1');
    await manager.send(2, 'a quick one from chat 2');
    expect(manager.isBusy('shared', 1)).toBe(true);
    expect(manager.isBusy('shared', 2)).toBe(true);
    expect(manager.unansweredWork()).toEqual([
      { session: 'shared', chatId: 1, unanswered: 1 },
      { session: 'shared', chatId: 2, unanswered: 1 },
    ]);

    const process = processes[0];
    process?.emit({ type: 'text', text: 'the long answer' });
    process?.emit(completedEvent('the long answer'));
    expect(manager.isBusy('shared', 1)).toBe(false);
    expect(manager.isBusy('shared', 2)).toBe(true);
    process?.emit(completedEvent('the quick answer'));

    expect(events.map(({ chatId, event }) => [chatId, event.type])).toEqual([
      [1, 'text'],
      [1, 'completed'],
      [2, 'completed'],
    ]);
    expect(manager.isBusy('shared')).toBe(false);
  });

  it('a session switched to after a restart gets a process at once, and closeAll ends them all', async () => {
    const first = setup();
    await first.manager.create(1, 'a');
    await first.manager.closeAll();
    expect(first.processes[0]?.closed).toBe(true);
    const second = setup();
    await second.manager.switchTo(1, 'a');
    expect(second.processes.map((p) => p.session)).toEqual(['a']);
    await second.manager.closeAll();
    expect(second.manager.liveSessions()).toEqual([]);
  });
  it('a session button tapped twice at once starts one process, not an orphan beside it', async () => {
    const first = setup();
    await first.manager.create(1, 'a');
    await first.manager.closeAll();
    const second = setup();
    const outcomes = await Promise.all([second.manager.switchTo(1, 'a'), second.manager.switchTo(1, 'a')]);
    expect(outcomes.map((outcome) => outcome.ok && outcome.kind)).toEqual(['switched', 'switched']);
    expect(second.processes.map((p) => p.session)).toEqual(['a']);
    await second.manager.closeAll();
    expect(second.processes.every((p) => p.closed)).toBe(true);
  });

  it('two chats sending to a session without a process start it once', async () => {
    const first = setup();
    await first.manager.create(1, 'shared');
    await first.manager.switchTo(2, 'shared');
    await first.manager.closeAll();
    const second = setup();
    await Promise.all([second.manager.send(1, 'from one'), second.manager.send(2, 'from two')]);
    expect(second.processes).toHaveLength(1);
    expect(second.processes[0]?.sent.sort()).toEqual(['from one', 'from two']);
    await second.manager.closeAll();
  });

  it('once shutting down, nothing starts a process that would outlive the bot', async () => {
    const first = setup();
    await first.manager.create(1, 'a');
    await first.manager.closeAll();
    const second = setup();
    // A switch already under way when shutdown begins, and a message handled after it.
    const switching = second.manager.switchTo(1, 'a');
    await second.manager.closeAll();
    await switching;
    expect(await second.manager.send(1, 'too late')).toEqual({ ok: false, reason: 'shutting_down' });
    expect(second.processes.filter((p) => !p.closed)).toEqual([]);
    expect(second.manager.liveSessions()).toEqual([]);
  });

  it('a session id whose write failed is written by a later event, so a restart does not resume the old conversation', async () => {
    const before = setup();
    await before.manager.create(1, 'work');
    await before.store.update('work', { claude_session_id: 'old-conversation' });
    await before.manager.closeAll();
    const { manager, store, processes, warnings } = setup();
    await manager.switchTo(1, 'work');
    store.failing = (patch) => patch.claude_session_id !== undefined;
    processes[0]?.emit({ type: 'started', sessionId: 'new-conversation', model: 'm' });
    await expect.poll(() => warnings().map((line) => line.msg)).toContain('could not record session id');
    store.failing = () => false;
    processes[0]?.emit(completedEvent('hi', 'new-conversation'));
    await expect
      .poll(async () => (await store.get('work'))?.metadata.claude_session_id)
      .toBe('new-conversation');
  });

  it('a switch whose previous session cannot be marked suspended still moves the chat, on disk and in memory', async () => {
    const { manager, store, processes } = setup();
    await manager.create(1, 'a');
    store.failing = (patch) => patch.status === 'suspended';
    const outcome = await manager.create(1, 'b').catch(() => 'threw');
    const onDisk = JSON.parse(await readFile(`${dataDir}/state/chats.json`, 'utf8'));
    expect(onDisk).toEqual({ '1': 'b' });
    expect(await manager.activeName(1)).toBe('b');
    await manager.send(1, 'for b');
    expect(processes.map((p) => [p.session, p.sent])).toEqual([
      ['a', []],
      ['b', ['for b']],
    ]);
    // And the chat is told it switched, since it did.
    expect(outcome).toMatchObject({ ok: true, kind: 'created' });
  });

  it('a session whose persona.json is unreadable cannot start, and the chat is told so', async () => {
    const first = setup();
    await first.manager.create(1, 'work');
    await first.manager.closeAll();
    await writeFile(`${dataDir}/sessions/work/persona.json`, '{');
    const { manager, processes } = setup();
    expect(await manager.send(1, 'hello')).toEqual({ ok: false, reason: 'start_failed', name: 'work' });
    expect(processes).toEqual([]);
  });

  it('a chat whose active session was deleted from disk has no active session', async () => {
    const first = setup();
    await first.manager.create(1, 'gone');
    await first.manager.closeAll();
    await rm(`${dataDir}/sessions/gone`, { recursive: true });
    const { manager, processes } = setup();
    expect(await manager.send(1, 'hello')).toEqual({ ok: false, reason: 'no_active_session' });
    expect(processes).toEqual([]);
  });
});
