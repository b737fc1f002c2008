import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTempFileName } from '../../src/sessions/atomic.ts';
import type { Persona } from '../../src/sessions/personas.ts';
import { SessionStore, sessionExistsMessage, sessionNotFoundMessage } from '../../src/sessions/store.ts';
import { captureLogger, filesUnder, makeTempDir, manualClock } from './helpers.ts';

const defaultPersona: Persona = {
  name: 'default',
  description: 'All-rounder',
  system_prompt: 'Be concise.',
  settings: {},
};
const brainstorm: Persona = {
  name: 'brainstorm',
  description: 'Ideas',
  system_prompt: 'Diverge, then converge.',
  settings: { model: 'claude-opus-4-1', max_turns: 5, permission_mode: 'plan' },
};

let dataDir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir: dataDir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

function openStore() {
  const clock = manualClock();
  const log = captureLogger();
  return { store: new SessionStore({ dataDir, now: clock.now, logger: log.logger }), clock, ...log };
}

async function readMetadata(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(dataDir, 'sessions', name, 'metadata.json'), 'utf8'));
}

async function createOk(store: SessionStore, name: string, persona = defaultPersona) {
  const result = await store.create(name, persona);
  if (!result.ok) throw new Error(`create ${name}: ${result.error}`);
  return result.session;
}

describe('creating a session', () => {
  it('makes its directory with metadata.json and a copy of the persona, status idle', async () => {
    const { store } = openStore();

    const result = await store.create('second', brainstorm);

    const dir = path.join(dataDir, 'sessions', 'second');
    expect(result).toMatchObject({ ok: true, session: { dir } });
    expect(await readdir(dir).then((files) => files.sort())).toEqual(['metadata.json', 'persona.json']);
    expect(await readMetadata('second')).toEqual({
      name: 'second',
      persona: 'brainstorm',
      status: 'idle',
      created_at: '2025-03-01T09:00:00.000Z',
      last_active_at: '2025-03-01T09:00:00.000Z',
      claude_session_id: null,
      model_override: null,
    });
    expect(JSON.parse(await readFile(path.join(dir, 'persona.json'), 'utf8'))).toEqual(brainstorm);
    expect(await store.readPersona('second')).toEqual(brainstorm);
  });

  it('refuses an existing name and changes nothing', async () => {
    const { store, clock } = openStore();
    await createOk(store, 'test-session');
    const before = await filesUnder(dataDir);
    const metadataBefore = await readMetadata('test-session');

    clock.advance(60_000);
    expect(await store.create('test-session', brainstorm)).toEqual({ ok: false, error: 'exists' });

    expect(await filesUnder(dataDir)).toEqual(before);
    expect(await readMetadata('test-session')).toEqual(metadataBefore);
    expect(await store.readPersona('test-session')).toEqual(defaultPersona);
    expect(sessionExistsMessage('test-session')).toBe(
      "Session 'test-session' already exists. Use /session test-session to switch to it.",
    );
  });

  it('lets exactly one of several simultaneous creates of a name win', async () => {
    const { store } = openStore();
    const results = await Promise.all(
      [defaultPersona, brainstorm, defaultPersona, brainstorm].map((persona) =>
        store.create('race', persona),
      ),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok)).toEqual(Array(3).fill({ ok: false, error: 'exists' }));
    // The files on disk are the winner's, whole.
    const winner = results.find((result) => result.ok);
    if (!winner?.ok) throw new Error('no winner');
    expect((await store.readPersona('race'))?.name).toBe(winner.session.metadata.persona);
    expect(await readMetadata('race')).toMatchObject({
      persona: winner.session.metadata.persona,
      status: 'idle',
    });
  });

  it.each(['', '../x', 'a/b', '..', '-x', 'x'.repeat(33), 'naïve'])(
    'refuses the invalid name %j without writing anything',
    async (name) => {
      const { store } = openStore();
      expect(await store.create(name, defaultPersona)).toEqual({ ok: false, error: 'invalid_name' });
      expect(await filesUnder(dataDir)).toEqual([]);
      expect(await readdir(dataDir)).toEqual([]);
    },
  );
});

describe('reading sessions', () => {
  it('gets one by name and lists all of them sorted', async () => {
    const { store } = openStore();
    for (const name of ['zeta', 'Alpha', 'beta', 'alpha2']) await createOk(store, name);

    expect((await store.get('beta'))?.metadata.name).toBe('beta');
    expect(await store.get('gamma')).toBeUndefined();
    expect(await store.get('../beta')).toBeUndefined();
    expect((await store.list()).map((session) => session.metadata.name)).toEqual([
      'Alpha',
      'alpha2',
      'beta',
      'zeta',
    ]);
  });

  it('lists nothing before any session exists', async () => {
    expect(await openStore().store.list()).toEqual([]);
  });

  it('reports malformed metadata instead of throwing, and lists the other sessions', async () => {
    const { store, warnings } = openStore();
    await createOk(store, 'good');
    await mkdir(path.join(dataDir, 'sessions', 'broken'));
    await writeFile(path.join(dataDir, 'sessions', 'broken', 'metadata.json'), '{"name": "broken", "sta');
    await createOk(store, 'wrongshape');
    await writeFile(
      path.join(dataDir, 'sessions', 'wrongshape', 'metadata.json'),
      JSON.stringify({ ...(await readMetadata('wrongshape')), status: 'sleeping' }),
    );
    await mkdir(path.join(dataDir, 'sessions', 'empty'));

    expect((await store.list()).map((session) => session.metadata.name)).toEqual(['good']);
    const skipped = warnings().map((line) => line.session);
    expect(skipped).toEqual(expect.arrayContaining(['broken', 'wrongshape', 'empty']));

    const load = await store.load('broken');
    expect(load).toMatchObject({ ok: false, error: 'malformed' });
    expect(await store.load('wrongshape')).toMatchObject({
      ok: false,
      error: 'malformed',
      detail: expect.stringMatching(/^status: /),
    });
    expect(await store.get('broken')).toBeUndefined();
    expect(await store.update('broken', { status: 'active' })).toMatchObject({
      ok: false,
      error: 'malformed',
    });
    // The half-written file is left for the owner to inspect, and its name stays taken.
    expect(await store.create('broken', defaultPersona)).toEqual({ ok: false, error: 'exists' });
  });

  it('ignores a temporary file left by a crash mid-write', async () => {
    const { store } = openStore();
    await createOk(store, 'work');
    const dir = path.join(dataDir, 'sessions', 'work');
    await writeFile(path.join(dir, '.metadata.json.a1b2c3d4e5f6.tmp'), '{"name": "work", "status": "act');

    expect((await store.get('work'))?.metadata.status).toBe('idle');
    expect((await store.list()).map((session) => session.metadata.name)).toEqual(['work']);
    expect((await store.update('work', { claude_session_id: 'abc' })).ok).toBe(true);
    expect((await readMetadata('work')).claude_session_id).toBe('abc');
  });
});

describe('updating a session', () => {
  it('records the Claude session id and activity time', async () => {
    const { store, clock } = openStore();
    await createOk(store, 'work');
    clock.advance(5 * 60_000);

    const updated = await store.update('work', { claude_session_id: 'sess-123' });
    await store.touch('work');

    expect(updated).toMatchObject({ ok: true, session: { metadata: { claude_session_id: 'sess-123' } } });
    expect(await readMetadata('work')).toMatchObject({
      claude_session_id: 'sess-123',
      created_at: '2025-03-01T09:00:00.000Z',
      last_active_at: '2025-03-01T09:05:00.000Z',
    });
  });

  it('keeps fields it does not know about, written by a later version', async () => {
    const { store } = openStore();
    await createOk(store, 'work');
    const file = path.join(dataDir, 'sessions', 'work', 'metadata.json');
    await writeFile(file, JSON.stringify({ ...(await readMetadata('work')), verbose: true }));

    await store.update('work', { model_override: 'claude-haiku-4-5' });

    expect(await readMetadata('work')).toMatchObject({ verbose: true, model_override: 'claude-haiku-4-5' });
  });

  it('says when the session does not exist', async () => {
    const { store } = openStore();
    expect(await store.update('ghost', { status: 'active' })).toEqual({ ok: false, error: 'not_found' });
    expect(await store.update('../ghost', { status: 'active' })).toEqual({
      ok: false,
      error: 'invalid_name',
    });
    expect(await filesUnder(dataDir)).toEqual([]);
  });

  it('loses no update and corrupts nothing under many concurrent writes', async () => {
    const { store } = openStore();
    await createOk(store, 'busy');
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? store.update('busy', { claude_session_id: `id-${i}` })
          : store.update('busy', { model_override: `model-${i}` }),
      ),
    );
    // Queued in order, so the last update of each field wins and the other field survives it.
    expect(await readMetadata('busy')).toMatchObject({
      claude_session_id: 'id-38',
      model_override: 'model-39',
    });
    expect((await filesUnder(dataDir)).filter((file) => isTempFileName(path.basename(file)))).toEqual([]);
  });
});

describe('the active session of a chat', () => {
  it('is none at first', async () => {
    expect(await openStore().store.activeSession(42)).toBeUndefined();
  });

  it('switches: the new session becomes active, the one left behind suspended', async () => {
    const { store, clock } = openStore();
    await createOk(store, 'test-session');
    await createOk(store, 'second');

    const first = await store.switchTo(42, 'test-session');
    expect(first).toMatchObject({
      ok: true,
      previous: undefined,
      session: { metadata: { status: 'active' } },
    });
    clock.advance(60_000);
    const second = await store.switchTo(42, 'second');

    expect(second).toMatchObject({ ok: true, previous: 'test-session' });
    expect((await store.activeSession(42))?.metadata.name).toBe('second');
    expect(await readMetadata('second')).toMatchObject({
      status: 'active',
      last_active_at: '2025-03-01T09:01:00.000Z',
    });
    expect(await readMetadata('test-session')).toMatchObject({ status: 'suspended' });
    expect(await store.activeByChat()).toEqual({ '42': 'second' });
  });

  it('switching to the session already active changes only its activity time', async () => {
    const { store, clock } = openStore();
    await createOk(store, 'solo');
    await store.switchTo(42, 'solo');
    clock.advance(1000);
    expect(await store.switchTo(42, 'solo')).toMatchObject({ ok: true, previous: 'solo' });
    expect(await readMetadata('solo')).toMatchObject({
      status: 'active',
      last_active_at: '2025-03-01T09:00:01.000Z',
    });
  });

  it('refuses an unknown session and keeps the current one', async () => {
    const { store } = openStore();
    await createOk(store, 'work');
    await store.switchTo(42, 'work');

    expect(await store.switchTo(42, 'nope')).toEqual({ ok: false, error: 'not_found' });
    expect(await store.switchTo(42, '../work')).toEqual({ ok: false, error: 'invalid_name' });
    expect((await store.activeSession(42))?.metadata.name).toBe('work');
    expect(await readMetadata('work')).toMatchObject({ status: 'active' });
    expect(sessionNotFoundMessage('nope')).toBe("Session 'nope' doesn't exist. Use /new nope to create it.");
  });

  it('survives a restart (a new store on the same DATA_DIR)', async () => {
    const { store } = openStore();
    await createOk(store, 'work');
    await store.switchTo(-100123, 'work');

    const restarted = openStore().store;

    expect((await restarted.activeSession(-100123))?.metadata).toMatchObject({
      name: 'work',
      status: 'active',
    });
    expect(await restarted.activeSession(42)).toBeUndefined();
    expect(JSON.parse(await readFile(path.join(dataDir, 'state', 'chats.json'), 'utf8'))).toEqual({
      '-100123': 'work',
    });
  });

  it('is kept per chat; a session another chat still shows stays active', async () => {
    const { store } = openStore();
    await createOk(store, 'shared');
    await createOk(store, 'other');
    await store.switchTo(1, 'shared');
    await store.switchTo(2, 'shared');

    await store.switchTo(1, 'other');

    expect((await store.activeSession(1))?.metadata.name).toBe('other');
    expect((await store.activeSession(2))?.metadata.name).toBe('shared');
    expect(await readMetadata('shared')).toMatchObject({ status: 'active' });
  });

  it('is forgotten once its session directory is gone', async () => {
    const { store } = openStore();
    await createOk(store, 'temp');
    await store.switchTo(42, 'temp');
    await rm(path.join(dataDir, 'sessions', 'temp'), { recursive: true });
    expect(await store.activeSession(42)).toBeUndefined();
  });

  it('treats a malformed chats.json as no active sessions, with a warning, and repairs it on the next switch', async () => {
    const { store, warnings } = openStore();
    await createOk(store, 'work');
    await mkdir(path.join(dataDir, 'state'));
    await writeFile(path.join(dataDir, 'state', 'chats.json'), '{"42": ');

    expect(await store.activeSession(42)).toBeUndefined();
    expect(warnings().some((line) => String(line.file).endsWith('chats.json'))).toBe(true);
    expect((await store.switchTo(42, 'work')).ok).toBe(true);
    expect((await store.activeSession(42))?.metadata.name).toBe('work');
  });

  it('remembers every chat when many switch at once', async () => {
    const { store } = openStore();
    const names = ['s0', 's1', 's2', 's3', 's4'];
    for (const name of names) await createOk(store, name);

    await Promise.all(
      Array.from({ length: 20 }, (_, chat) => store.switchTo(chat, names[chat % names.length] as string)),
    );

    const chats = await store.activeByChat();
    expect(Object.keys(chats)).toHaveLength(20);
    for (let chat = 0; chat < 20; chat++) expect(chats[String(chat)]).toBe(names[chat % names.length]);
    for (const name of names) expect(await readMetadata(name)).toMatchObject({ status: 'active' });
    expect((await filesUnder(dataDir)).filter((file) => isTempFileName(path.basename(file)))).toEqual([]);
  });
});
