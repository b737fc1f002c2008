/**
 * A session's life as the manager runs it: idle suspend, resume, failure after repeated crashes,
 * /timeout, the overview and the statuses after a restart. Claude Code is a recording process here;
 * test/e2e/lifecycle.test.ts runs the real CLI.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaudeEvent } from '../../src/claude/events.ts';
import { ChatStore } from '../../src/sessions/chat-store.ts';
import { SessionManager } from '../../src/sessions/manager.ts';
import { PersonaLibrary, SHIPPED_PERSONAS_DIR } from '../../src/sessions/personas.ts';
import { SessionStore } from '../../src/sessions/session-store.ts';
import { ManualClock } from '../telegram/manual-clock.ts';
import { captureLogger, makeTempDir } from './helpers.ts';
import { RecordingProcess } from './recording-process.ts';

const MINUTE = 60_000;
let dataDir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir: dataDir, cleanup } = await makeTempDir()));
// Metadata writes a test did not wait for finish before the directory goes.
afterEach(async () => {
  await new Promise((resolve) => setTimeout(resolve, 100));
  await cleanup();
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

function setup(idleTimeoutMs = 10 * MINUTE) {
  const { logger } = captureLogger();
  const clock = new ManualClock();
  const now = () => new Date(clock.now());
  const store = new SessionStore({ dataDir, now, logger });
  const chats = new ChatStore({ dataDir, logger });
  const personas = new PersonaLibrary({ shippedDir: SHIPPED_PERSONAS_DIR, ownerDir: `${dataDir}/p`, logger });
  const processes: RecordingProcess[] = [];
  const events: Array<{ chatId: unknown; event: ClaudeEvent }> = [];
  const manager = new SessionManager({
    sessions: store,
    chats,
    personas,
    now,
    logger,
    idleTimeoutMs,
    idleClock: clock,
    startProcess: ({ session }) => {
      const process = new RecordingProcess(session.metadata.name);
      processes.push(process);
      return process;
    },
    onEvent: (chatId, _session, event) => events.push({ chatId, event }),
  });
  return { manager, store, clock, processes, events };
}

function completed(sessionId = 'abc-123'): ClaudeEvent {
  return {
    type: 'completed',
    sessionId,
    answer: 'ok',
    isError: false,
    durationMs: 1,
    numTurns: 1,
    totalCostUsd: 0,
    usage: { inputTokens: 1, outputTokens: 1 },
  };
}

const killed = { exitCode: null, signal: 'SIGKILL' as const, cause: undefined };

describe('idle suspend and resume', () => {
  it('ends an idle process, marks it suspended, and the next message resumes it with how long it slept', async () => {
    const { manager, store, clock, processes } = setup();
    await manager.create(1, 'work');
    await manager.send(1, 'hello');
    processes[0]?.emit(completed());
    await settle();
    clock.advance(10 * MINUTE);
    await settle();
    expect(processes[0]?.closed).toBe(true);
    expect(manager.isLive('work')).toBe(false);
    await expect
      .poll(async () => (await store.get('work'))?.metadata)
      .toMatchObject({ status: 'suspended', claude_session_id: 'abc-123' });

    clock.advance(5 * MINUTE);
    const sent = await manager.send(1, 'back again');
    expect(sent).toEqual({ ok: true, session: 'work', queued: 0, resumed: { idleMs: 15 * MINUTE } });
    expect(processes).toHaveLength(2);
    expect(processes[1]?.sent).toEqual(['back again']);
    expect((await store.get('work'))?.metadata.status).toBe('active');
  });

  it('does not suspend during a turn; the turn ending starts the count', async () => {
    const { manager, clock, processes } = setup();
    await manager.create(1, 'work');
    await manager.send(1, 'long job');
    clock.advance(60 * MINUTE);
    await settle();
    expect(processes[0]?.closed).toBe(false);
    processes[0]?.emit(completed());
    clock.advance(10 * MINUTE);
    await settle();
    expect(processes[0]?.closed).toBe(true);
  });

  it('does not suspend while held awake by a permission prompt', async () => {
    const { manager, clock, processes } = setup();
    await manager.create(1, 'work');
    const release = manager.holdAwake('work');
    clock.advance(60 * MINUTE);
    await settle();
    expect(processes[0]?.closed).toBe(false);
    release();
    clock.advance(10 * MINUTE);
    await settle();
    expect(processes[0]?.closed).toBe(true);
  });

  it('/timeout shows and sets the timeout of the active session, and the timer follows it', async () => {
    const { manager, store, clock, processes } = setup();
    expect(await manager.idleTimeout(1)).toEqual({ ok: false, reason: 'no_active_session' });
    await manager.create(1, 'work');
    expect(await manager.idleTimeout(1)).toEqual({
      ok: true,
      name: 'work',
      timeoutMs: 10 * MINUTE,
      own: false,
    });
    expect(await manager.idleTimeout(1, 0)).toEqual({ ok: true, name: 'work', timeoutMs: 0, own: true });
    expect((await store.get('work'))?.metadata.idle_timeout_minutes).toBe(0);
    clock.advance(24 * 60 * MINUTE);
    await settle();
    expect(processes[0]?.closed).toBe(false);
    await manager.idleTimeout(1, 30);
    clock.advance(30 * MINUTE);
    await settle();
    expect(processes[0]?.closed).toBe(true);
  });

  it('a session with no conversation yet is started, not resumed', async () => {
    const { manager } = setup();
    await manager.create(1, 'blank');
    await manager.stop('blank');
    expect(await manager.send(1, 'hi')).toEqual({ ok: true, session: 'blank', queued: 0 });
  });
});

describe('failed sessions', () => {
  it('after Claude Code gave up, the session is failed, refuses messages, and /session starts it again', async () => {
    const { manager, store, processes } = setup();
    await manager.create(1, 'work');
    processes[0]?.emit({
      type: 'error',
      kind: 'process_gave_up',
      death: killed,
      unanswered: 0,
      crashes: 4,
      windowMs: 600_000,
    });
    await expect.poll(() => processes[0]?.closed).toBe(true);
    await expect.poll(async () => (await store.get('work'))?.metadata.failed_at).toEqual(expect.any(String));
    expect(await manager.send(1, 'hello?')).toEqual({ ok: false, reason: 'session_failed', name: 'work' });
    expect((await manager.overview()).sessions.map((s) => s.state)).toEqual(['failed']);

    expect(await manager.switchTo(1, 'work')).toEqual({ ok: true, kind: 'switched', name: 'work' });
    expect((await store.get('work'))?.metadata.failed_at).toBeNull();
    expect(processes).toHaveLength(2);
    expect((await manager.send(1, 'hello?')).ok).toBe(true);
  });

  it('every chat hears of the give-up before the process is dropped', async () => {
    const { manager, processes, events } = setup();
    await manager.create(1, 'work');
    const gaveUp = {
      type: 'error',
      kind: 'process_gave_up',
      death: killed,
      crashes: 4,
      windowMs: 600_000,
    } as const;
    const process = processes[0] as RecordingProcess;
    process.waiting.push(1, 2);
    process.emit({ ...gaveUp, unanswered: 1 });
    process.waiting.shift();
    process.emit({ ...gaveUp, unanswered: 1 });
    await settle();
    expect(events.map(({ chatId, event }) => [chatId, event.type])).toEqual([
      [1, 'error'],
      [2, 'error'],
    ]);
    await expect.poll(() => process.closed).toBe(true);
  });
});

describe('start fresh', () => {
  it('is passed to a held process only', async () => {
    const { manager, processes } = setup();
    await manager.create(1, 'work');
    expect(manager.startFresh(1, 'work')).toEqual({
      ok: false,
      reason: 'nothing_to_start_fresh',
      name: 'work',
    });
    (processes[0] as RecordingProcess).held = true;
    expect(manager.isBusy('work')).toBe(false);
    expect(manager.startFresh(1, 'work')).toEqual({ ok: true, name: 'work' });
  });
});

describe('the overview and a restart', () => {
  it('lists every session with its state, most recently active first', async () => {
    const { manager, clock, processes } = setup();
    await manager.create(1, 'old');
    clock.advance(MINUTE);
    await manager.create(1, 'busy');
    await manager.send(1, 'working on it');
    clock.advance(MINUTE);
    await manager.create(1, 'quiet', 'planner');
    await manager.stop('old');
    const overview = await manager.overview();
    expect(overview.sessions.map(({ name, state, persona }) => [name, state, persona])).toEqual([
      ['quiet', 'live', 'planner'],
      ['busy', 'working', 'default'],
      ['old', 'suspended', 'default'],
    ]);
    expect(overview.liveProcesses).toBe(2);
    expect(processes).toHaveLength(3);
  });

  it('after a restart, no session is left active', async () => {
    const first = setup();
    await first.manager.create(1, 'a');
    await first.manager.create(1, 'b');
    expect((await first.store.get('b'))?.metadata.status).toBe('active');
    const second = setup();
    await second.manager.afterRestart();
    expect((await second.store.list()).map((s) => s.metadata.status)).toEqual(['suspended', 'suspended']);
  });
});
