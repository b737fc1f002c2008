import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTempFileName } from '../../src/sessions/atomic.ts';
import type { Persona } from '../../src/sessions/personas.ts';
import { SessionStore } from '../../src/sessions/session-store.ts';
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

describe('permission settings in metadata.json', () => {
  it('keeps the mode and the rules, and a function patch adds to what is there at the write', async () => {
    const { store } = openStore();
    await createOk(store, 'ruled');
    await store.update('ruled', { permission_mode: 'plan' });
    await Promise.all(
      ['Bash(npm test:*)', 'Edit(src/**)'].map((rule) =>
        store.update('ruled', (current) => ({ allowed_tools: [...(current.allowed_tools ?? []), rule] })),
      ),
    );
    expect(await readMetadata('ruled')).toMatchObject({
      permission_mode: 'plan',
      allowed_tools: ['Bash(npm test:*)', 'Edit(src/**)'],
    });
  });
});
