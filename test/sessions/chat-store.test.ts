import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatStore } from '../../src/sessions/chat-store.ts';
import { captureLogger, makeTempDir } from './helpers.ts';

let dataDir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir: dataDir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

function openStore() {
  const log = captureLogger();
  return { chats: new ChatStore({ dataDir, logger: log.logger }), ...log };
}

const chatsFile = () => path.join(dataDir, 'state', 'chats.json');

describe("each chat's active session", () => {
  it('is none at first, and nothing is written for asking', async () => {
    const { chats } = openStore();
    expect(await chats.activeName(42)).toBeUndefined();
    expect(await chats.all()).toEqual({});
    await expect(readFile(chatsFile())).rejects.toThrow(/ENOENT/);
  });

  it('is remembered per chat, and each change says what the chat had before', async () => {
    const { chats } = openStore();
    expect(await chats.set(1, 'work')).toBeUndefined();
    expect(await chats.set(2, 'work')).toBeUndefined();
    expect(await chats.set(1, 'ideas')).toBe('work');
    expect(await chats.activeName(1)).toBe('ideas');
    expect(await chats.activeName('2')).toBe('work');
    expect(await chats.isActiveAnywhere('work')).toBe(true);
    expect(await chats.isActiveAnywhere('other')).toBe(false);
  });

  it('survives a restart (a new store on the same DATA_DIR)', async () => {
    await openStore().chats.set(-100123, 'work');

    const restarted = openStore().chats;

    expect(await restarted.activeName(-100123)).toBe('work');
    expect(await restarted.activeName(42)).toBeUndefined();
    expect(JSON.parse(await readFile(chatsFile(), 'utf8'))).toEqual({ '-100123': 'work' });
  });

  it('treats a malformed chats.json as no active sessions, with a warning, and repairs it on the next change', async () => {
    await mkdir(path.dirname(chatsFile()));
    await writeFile(chatsFile(), '{"42": ');
    const { chats, warnings } = openStore();

    expect(await chats.activeName(42)).toBeUndefined();
    expect(warnings().some((line) => String(line.file).endsWith('chats.json'))).toBe(true);
    await chats.set(42, 'work');
    expect(JSON.parse(await readFile(chatsFile(), 'utf8'))).toEqual({ '42': 'work' });
  });

  it('changes nothing, in memory either, when the file cannot be written', async () => {
    const { chats } = openStore();
    await chats.set(1, 'work');
    // A file where the state folder should be makes every write fail.
    await rm(path.dirname(chatsFile()), { recursive: true });
    await writeFile(path.dirname(chatsFile()), '');

    await expect(chats.set(1, 'ideas')).rejects.toThrow();
    expect(await chats.activeName(1)).toBe('work');
    // A failed change does not hold up the next one.
    await rm(path.dirname(chatsFile()));
    expect(await chats.set(1, 'again')).toBe('work');
    expect(await openStore().chats.activeName(1)).toBe('again');
  });

  it('loses no chat when many change at once', async () => {
    const { chats } = openStore();
    await Promise.all(Array.from({ length: 20 }, (_, chat) => chats.set(chat, `s${chat % 5}`)));
    const restarted = openStore().chats;
    for (let chat = 0; chat < 20; chat++) expect(await restarted.activeName(chat)).toBe(`s${chat % 5}`);
  });

  it('forgets a session that is gone in every chat that had it, on disk first, and names those chats', async () => {
    const { chats } = openStore();
    await chats.set(1, 'work');
    await chats.set(-100123, 'work');
    await chats.set(2, 'ideas');
    expect((await chats.forget('work')).sort()).toEqual(['-100123', '1']);
    expect(await chats.activeName(1)).toBeUndefined();
    expect(await chats.isActiveAnywhere('work')).toBe(false);
    expect(JSON.parse(await readFile(chatsFile(), 'utf8'))).toEqual({ '2': 'ideas' });
    expect(await openStore().chats.all()).toEqual({ '2': 'ideas' });
    expect(await chats.forget('work')).toEqual([]);
  });

  it('forgets nothing, in memory either, when the file cannot be written', async () => {
    const { chats } = openStore();
    await chats.set(1, 'work');
    await rm(path.dirname(chatsFile()), { recursive: true });
    await writeFile(path.dirname(chatsFile()), '');
    await expect(chats.forget('work')).rejects.toThrow();
    expect(await chats.activeName(1)).toBe('work');
  });
});
