import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Api } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { downloadToInbox, type TelegramFiles } from '../../../src/telegram/inbound/download.ts';
import { type FakeTelegram, startFakeTelegram } from '../../fakes/telegram/index.ts';

const USER = 42;
const MB = 1024 * 1024;
let tg: FakeTelegram;
let inboxDir: string;
let files: TelegramFiles;

beforeEach(async () => {
  tg = await startFakeTelegram({ rateLimits: false });
  inboxDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'inbox-')), 'inbox');
  const api = new Api(tg.token, { apiRoot: tg.apiRoot });
  files = { getFile: (fileId) => api.getFile(fileId), apiRoot: tg.apiRoot, token: tg.token };
});
afterEach(async () => {
  await tg.close();
  rmSync(path.dirname(inboxDir), { recursive: true, force: true });
});

function document(fileName: string, bytes: Buffer): { fileId: string; fileSize: number } {
  const update = tg.sendDocument({ userId: USER, fileName, bytes });
  const sent = (update.message as { document: { file_id: string; file_size: number } }).document;
  return { fileId: sent.file_id, fileSize: sent.file_size };
}

const inbox = () => {
  try {
    return readdirSync(inboxDir);
  } catch {
    return [];
  }
};

describe('downloading into the inbox', () => {
  it('streams the file to inbox/<name>, creating the folder', async () => {
    const bytes = Buffer.from('line 1\nline 2\n');
    const outcome = await downloadToInbox(files, {
      ...document('app.log', bytes),
      fileName: '20250131-090507-app.log',
      inboxDir,
      maxBytes: 20 * MB,
    });
    expect(outcome).toEqual({
      kind: 'saved',
      path: path.join(inboxDir, '20250131-090507-app.log'),
      size: bytes.length,
    });
    expect(readFileSync(path.join(inboxDir, '20250131-090507-app.log'))).toEqual(bytes);
    expect(inbox()).toEqual(['20250131-090507-app.log']);
  });

  it('never replaces a file already there: the second of a name is numbered', async () => {
    const request = { fileName: '20250131-090507-a.txt', inboxDir, maxBytes: MB };
    await downloadToInbox(files, { ...document('a.txt', Buffer.from('first')), ...request });
    const second = await downloadToInbox(files, { ...document('a.txt', Buffer.from('second')), ...request });
    expect(second).toMatchObject({ kind: 'saved', path: path.join(inboxDir, '20250131-090507-a-2.txt') });
    expect(readFileSync(path.join(inboxDir, '20250131-090507-a.txt'), 'utf8')).toBe('first');
    expect(inbox().sort()).toEqual(['20250131-090507-a-2.txt', '20250131-090507-a.txt']);
  });

  it('refuses a file announced over the cap without asking Telegram for it', async () => {
    const outcome = await downloadToInbox(files, {
      ...document('big.bin', Buffer.alloc(3 * MB)),
      fileName: 'big.bin',
      inboxDir,
      maxBytes: 2 * MB,
    });
    expect(outcome).toEqual({ kind: 'too_big', size: 3 * MB, limit: 2 * MB });
    expect(tg.callsTo('getFile')).toEqual([]);
    expect(inbox()).toEqual([]);
  });

  it("takes getFile's 'file is too big' (the public server's 20 MB cap) as too big", async () => {
    const { fileId } = document('big.bin', Buffer.alloc(25 * MB));
    const outcome = await downloadToInbox(files, {
      fileId,
      fileName: 'big.bin',
      inboxDir,
      maxBytes: 2000 * MB,
    });
    expect(outcome).toEqual({ kind: 'too_big', limit: 2000 * MB });
    expect(inbox()).toEqual([]);
  });

  it('cuts off a download that grows past the cap when no size was announced, leaving nothing', async () => {
    const { fileId } = document('big.bin', Buffer.alloc(3 * MB, 1));
    const api = new Api(tg.token, { apiRoot: tg.apiRoot });
    const unannounced: TelegramFiles = {
      ...files,
      getFile: async (id) => ({ file_path: (await api.getFile(id)).file_path }),
      // Chunked, without content-length, as a proxy might serve it.
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        return new Response(response.body, { status: response.status });
      },
    };
    const outcome = await downloadToInbox(unannounced, {
      fileId,
      fileName: 'big.bin',
      inboxDir,
      maxBytes: MB,
    });
    expect(outcome).toEqual({ kind: 'too_big', limit: MB });
    expect(inbox()).toEqual([]);
  });

  it('reports a file Telegram does not know, or a download that fails, as failed', async () => {
    const unknown = await downloadToInbox(files, { fileId: 'nope', fileName: 'x', inboxDir, maxBytes: MB });
    expect(unknown).toEqual({ kind: 'failed', reason: 'telegram', detail: 'Bad Request: invalid file_id' });
    const { fileId } = document('a.txt', Buffer.from('a'));
    const broken = await downloadToInbox(
      { ...files, fetch: async () => new Response('gone', { status: 404 }) },
      { fileId, fileName: 'a.txt', inboxDir, maxBytes: MB },
    );
    expect(broken).toEqual({ kind: 'failed', reason: 'telegram', detail: 'HTTP 404' });
    const unreachable = await downloadToInbox(
      { ...files, fetch: async () => Promise.reject(new TypeError('fetch failed')) },
      { fileId, fileName: 'a.txt', inboxDir, maxBytes: MB },
    );
    expect(unreachable).toMatchObject({ kind: 'failed', reason: 'network' });
    expect(JSON.stringify([unknown, broken, unreachable])).not.toContain(tg.token);
    expect(inbox()).toEqual([]);
  });
});
