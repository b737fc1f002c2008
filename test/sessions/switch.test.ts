import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTempFileName } from '../../src/sessions/atomic.ts';
import { ChatStore } from '../../src/sessions/chat-store.ts';
import type { Persona } from '../../src/sessions/personas.ts';
import { type MetadataPatch, SessionStore } from '../../src/sessions/session-store.ts';
import { SessionSwitcher } from '../../src/sessions/switch.ts';
import { captureLogger, filesUnder, makeTempDir, manualClock } from './helpers.ts';

const persona: Persona = { name: 'default', description: 'All-rounder', system_prompt: 'Hi.', settings: {} };

let dataDir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir: dataDir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

/** A session store that refuses the metadata writes `failing` picks, as a full disk would. */
class FailingStore extends SessionStore {
  failing: (patch: MetadataPatch) => boolean = () => false;
  override async update(name: string, patch: MetadataPatch) {
    if (this.failing(patch)) throw new Error('ENOSPC: no space left on device');
    return super.update(name, patch);
  }
}

async function setup(...names: string[]) {
  const clock = manualClock();
  const log = captureLogger();
  const sessions = new FailingStore({ dataDir, now: clock.now, logger: log.logger });
  const chats = new ChatStore({ dataDir, logger: log.logger });
  for (const name of names) await sessions.create(name, persona);
  const switcher = new SessionSwitcher({ sessions, chats, now: clock.now, logger: log.logger });
  return { switcher, sessions, chats, clock, ...log };
}

async function readMetadata(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(dataDir, 'sessions', name, 'metadata.json'), 'utf8'));
}

describe('switching a chat to a session', () => {
  it('makes the new session active and suspends the one left behind', async () => {
    const { switcher, chats, clock } = await setup('test-session', 'second');

    const first = await switcher.switchTo(42, 'test-session');
    expect(first).toMatchObject({
      ok: true,
      previous: undefined,
      session: { metadata: { status: 'active' } },
    });
    clock.advance(60_000);
    const second = await switcher.switchTo(42, 'second');

    expect(second).toMatchObject({ ok: true, previous: 'test-session' });
    expect(await chats.activeName(42)).toBe('second');
    expect(await readMetadata('second')).toMatchObject({
      status: 'active',
      last_active_at: '2025-03-01T09:01:00.000Z',
    });
    expect(await readMetadata('test-session')).toMatchObject({ status: 'suspended' });
    expect(await chats.all()).toEqual({ '42': 'second' });
  });

  it('to the session already active changes only its activity time', async () => {
    const { switcher, clock } = await setup('solo');
    await switcher.switchTo(42, 'solo');
    clock.advance(1000);
    expect(await switcher.switchTo(42, 'solo')).toMatchObject({ ok: true, previous: 'solo' });
    expect(await readMetadata('solo')).toMatchObject({
      status: 'active',
      last_active_at: '2025-03-01T09:00:01.000Z',
    });
  });

  it('refuses an unknown session and keeps the current one', async () => {
    const { switcher, chats } = await setup('work');
    await switcher.switchTo(42, 'work');

    expect(await switcher.switchTo(42, 'nope')).toEqual({ ok: false, error: 'not_found' });
    expect(await switcher.switchTo(42, '../work')).toEqual({ ok: false, error: 'invalid_name' });
    expect(await chats.activeName(42)).toBe('work');
    expect(await readMetadata('work')).toMatchObject({ status: 'active' });
  });

  it('leaves a session another chat still has active', async () => {
    const { switcher, chats } = await setup('shared', 'other');
    await switcher.switchTo(1, 'shared');
    await switcher.switchTo(2, 'shared');

    await switcher.switchTo(1, 'other');

    expect(await chats.activeName(1)).toBe('other');
    expect(await chats.activeName(2)).toBe('shared');
    expect(await readMetadata('shared')).toMatchObject({ status: 'active' });
  });

  it('completes when the session left behind cannot be marked suspended, and says so in the log', async () => {
    const { switcher, sessions, chats, warnings } = await setup('a', 'b');
    await switcher.switchTo(1, 'a');
    sessions.failing = (patch) => patch.status === 'suspended';

    expect(await switcher.switchTo(1, 'b')).toMatchObject({ ok: true, previous: 'a' });
    expect(await chats.activeName(1)).toBe('b');
    expect(warnings().map((line) => [line.session, line.msg])).toContainEqual(['a', 'could not suspend']);
  });

  it('changes no chat when the session cannot be marked active', async () => {
    const { switcher, sessions, chats } = await setup('a', 'b');
    await switcher.switchTo(1, 'a');
    sessions.failing = (patch) => patch.status === 'active';

    await expect(switcher.switchTo(1, 'b')).rejects.toThrow(/ENOSPC/);
    expect(await chats.activeName(1)).toBe('a');
    expect(await readMetadata('a')).toMatchObject({ status: 'active' });
  });

  it('remembers every chat when many switch at once, and suspends none still in use', async () => {
    const names = ['s0', 's1', 's2', 's3', 's4'];
    const { switcher, chats } = await setup(...names);

    await Promise.all(
      Array.from({ length: 20 }, (_, chat) => switcher.switchTo(chat, names[chat % names.length] as string)),
    );

    const all = await chats.all();
    expect(Object.keys(all)).toHaveLength(20);
    for (let chat = 0; chat < 20; chat++) expect(all[String(chat)]).toBe(names[chat % names.length]);
    for (const name of names) expect(await readMetadata(name)).toMatchObject({ status: 'active' });
    expect((await filesUnder(dataDir)).filter((file) => isTempFileName(path.basename(file)))).toEqual([]);
  });
});
