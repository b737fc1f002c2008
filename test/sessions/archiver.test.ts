import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claudeProjectDir } from '../../src/sessions/archive.ts';
import { SessionArchiver } from '../../src/sessions/archiver.ts';
import { ChatStore } from '../../src/sessions/chat-store.ts';
import { type Persona, PersonaSchema } from '../../src/sessions/personas.ts';
import { SessionStore } from '../../src/sessions/session-store.ts';
import { captureLogger, makeTempDir, manualClock } from './helpers.ts';

const CLAUDE_ID = '6a1f0d52-8c1e-4b7a-9e3d-1c2b3a4d5e6f';
const persona: Persona = PersonaSchema.parse({ name: 'default', description: '', system_prompt: 'Hi.' });

let dataDir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir: dataDir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

function world() {
  const { logger } = captureLogger();
  const clock = manualClock('2026-05-06T07:08:09.000Z');
  const sessions = new SessionStore({ dataDir, now: clock.now, logger });
  const chats = new ChatStore({ dataDir, logger });
  const events: string[] = [];
  const configDir = path.join(dataDir, 'home', '.claude');
  const archiver = new SessionArchiver({
    sessions,
    chats,
    stopProcess: async (name) => {
      // The transcript is flushed by the time the process has exited: packing starts after.
      events.push(`stopped ${name}, session folder there: ${existsSync(sessions.dirOf(name))}`);
    },
    archiveDir: path.join(dataDir, 'sessions_archive'),
    claudeConfigDir: configDir,
    now: clock.now,
    logger,
  });
  return { sessions, chats, archiver, events, configDir };
}

async function sessionWithTranscript(w: ReturnType<typeof world>, name: string): Promise<string> {
  await w.sessions.create(name, persona);
  await w.sessions.update(name, { claude_session_id: CLAUDE_ID });
  await writeFile(path.join(w.sessions.dirOf(name), 'notes.md'), '# notes\n');
  const projectDir = await claudeProjectDir(w.configDir, w.sessions.dirOf(name));
  await mkdir(projectDir, { recursive: true });
  await writeFile(path.join(projectDir, `${CLAUDE_ID}.jsonl`), '{"type":"user"}\n');
  return projectDir;
}

describe('SessionArchiver', () => {
  it('stops the process, packs the session and its transcript, removes them and clears the chats that had it', async () => {
    const w = world();
    const projectDir = await sessionWithTranscript(w, 'alpha');
    await w.chats.set(1, 'alpha');
    await w.chats.set(2, 'alpha');
    await w.chats.set(3, 'beta');

    const outcome = await w.archiver.archive('alpha');

    expect(outcome).toEqual({
      ok: true,
      kind: 'archived',
      name: 'alpha',
      file: 'alpha-20260506T070809Z.tar.gz',
      bytes: expect.any(Number),
      clearedChats: ['1', '2'],
    });
    expect(w.events[0]).toBe('stopped alpha, session folder there: true');
    const file = path.join(dataDir, 'sessions_archive', 'alpha-20260506T070809Z.tar.gz');
    const entries = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n');
    expect(entries).toEqual(
      expect.arrayContaining([
        'alpha/metadata.json',
        'alpha/persona.json',
        'alpha/notes.md',
        `./${path.basename(projectDir)}/${CLAUDE_ID}.jsonl`,
      ]),
    );
    expect(existsSync(w.sessions.dirOf('alpha'))).toBe(false);
    expect(existsSync(path.join(projectDir, `${CLAUDE_ID}.jsonl`))).toBe(false);
    expect(await w.chats.all()).toEqual({ '3': 'beta' });
    expect((await w.archiver.list()).map((archive) => archive.name)).toEqual(['alpha']);
  });

  it('refuses a bad name and an unknown session, and changes nothing', async () => {
    const w = world();
    await w.sessions.create('alpha', persona);
    await w.chats.set(1, 'alpha');
    expect(await w.archiver.archive('../alpha')).toEqual({
      ok: false,
      reason: 'invalid_name',
      name: '../alpha',
    });
    expect(await w.archiver.archive('ghost')).toEqual({ ok: false, reason: 'not_found', name: 'ghost' });
    expect(await w.archiver.check('ghost')).toEqual({ ok: false, reason: 'not_found' });
    expect(await w.archiver.check('alpha')).toEqual({ ok: true });
    expect(w.events).toEqual([]);
    expect(existsSync(path.join(dataDir, 'sessions_archive'))).toBe(false);
    expect(await readdir(path.join(dataDir, 'sessions'))).toEqual(['alpha']);
    expect(await w.chats.activeName(1)).toBe('alpha');
  });

  it('archives a session whose metadata.json is damaged (a folder worth keeping)', async () => {
    const w = world();
    await w.sessions.create('broken', persona);
    await writeFile(path.join(w.sessions.dirOf('broken'), 'metadata.json'), '{ not json');
    const outcome = await w.archiver.archive('broken');
    expect(outcome).toMatchObject({ ok: true, kind: 'archived', name: 'broken', clearedChats: [] });
    expect(existsSync(w.sessions.dirOf('broken'))).toBe(false);
  });

  it('keeps the session and the chats when packing fails', async () => {
    const w = world();
    await sessionWithTranscript(w, 'alpha');
    await w.chats.set(1, 'alpha');
    // A file where the archive folder should be: nothing can be packed into it.
    await writeFile(path.join(dataDir, 'sessions_archive'), '');
    const outcome = await w.archiver.archive('alpha');
    expect(outcome).toMatchObject({ ok: false, reason: 'failed', name: 'alpha' });
    expect(existsSync(path.join(w.sessions.dirOf('alpha'), 'metadata.json'))).toBe(true);
    expect(await w.chats.activeName(1)).toBe('alpha');
  });
});
