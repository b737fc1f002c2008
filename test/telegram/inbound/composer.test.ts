// The inbound composer in a real grammY bot against the fake Telegram; the session side is a
// recorder (phase B wires the session manager in its place, and e2e tests run the real CLI).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Bot } from 'grammy';
import pino from 'pino';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTranscriber } from '../../../src/speech/transcribe.ts';
import { VOICE_NOT_CONFIGURED } from '../../../src/telegram/copy/files.ts';
import { type InboundDeps, inboundFiles } from '../../../src/telegram/inbound/composer.ts';
import type { TurnContent } from '../../../src/telegram/inbound/turns.ts';
import { type FakeTelegram, startFakeTelegram, tinyOggOpus } from '../../fakes/telegram/index.ts';
import { type FakeTranscribe, startFakeTranscribe } from '../../fakes/transcribe/index.ts';

const USER = 42;
const MB = 1024 * 1024;
let tg: FakeTelegram;
let whisper: FakeTranscribe | undefined;
let bot: Bot | undefined;
let sessionDir: string;
let turns: TurnContent[];

beforeEach(async () => {
  tg = await startFakeTelegram({ rateLimits: false });
  sessionDir = mkdtempSync(path.join(os.tmpdir(), 'session-'));
  turns = [];
});
afterEach(async () => {
  if (bot?.isRunning()) await bot.stop();
  bot = undefined;
  await whisper?.close();
  whisper = undefined;
  await tg.close();
  rmSync(sessionDir, { recursive: true, force: true });
});

function start(overrides: Partial<InboundDeps> = {}): void {
  const created = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
  created.use(
    inboundFiles({
      sessionDirOf: async () => ({ ok: true, dir: sessionDir }),
      deliver: async (_chatId, content) => {
        turns.push(content);
        return { ok: true };
      },
      apiRoot: tg.apiRoot,
      token: tg.token,
      maxDownloadBytes: 20 * MB,
      logger: pino({ level: 'silent' }),
      now: () => Date.UTC(2025, 0, 31, 9, 5, 7),
      ...overrides,
    }),
  );
  void created.start({ timeout: 5 });
  bot = created;
}

const inbox = () => {
  try {
    return readdirSync(path.join(sessionDir, 'inbox')).sort();
  } catch {
    return [];
  }
};
const textsOf = (turn: TurnContent | undefined) =>
  (turn ?? []).flatMap((block) => (block.type === 'text' ? [block.text] : []));
const imagesOf = (turn: TurnContent | undefined) => (turn ?? []).filter((block) => block.type === 'image');
const waitForTurns = async (count: number) => {
  for (let waited = 0; turns.length < count; waited += 20) {
    if (waited > 15_000) throw new Error(`expected ${count} turns, got ${turns.length}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

const jpeg = (width: number) =>
  sharp({ create: { width, height: width, channels: 3, background: '#884422' } })
    .jpeg()
    .toBuffer();

describe('photos, documents and voice to the active session', () => {
  it('saves the largest photo and gives Claude the image with the caption as the prompt', async () => {
    start();
    const [small, large] = await Promise.all([jpeg(90), jpeg(1280)]);
    tg.sendPhoto({ userId: USER, caption: 'what is this error?', bytes: large, smaller: [small] });
    await waitForTurns(1);
    expect(inbox()).toEqual(['20250131-090507-photo.jpg']);
    expect(readFileSync(path.join(sessionDir, 'inbox', '20250131-090507-photo.jpg'))).toEqual(large);
    expect(imagesOf(turns[0])).toHaveLength(1);
    expect(textsOf(turns[0]).at(-1)).toBe('what is this error?');
  });

  it('makes an album one turn with every photo', async () => {
    start();
    const photos = await Promise.all([jpeg(100), jpeg(110), jpeg(120)]);
    tg.sendAlbum({ userId: USER, caption: 'three screens', photos });
    await waitForTurns(1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(turns).toHaveLength(1);
    expect(imagesOf(turns[0])).toHaveLength(3);
    expect(textsOf(turns[0]).at(-1)).toBe('three screens');
    expect(inbox()).toEqual([
      '20250131-090507-photo-2.jpg',
      '20250131-090507-photo-3.jpg',
      '20250131-090507-photo.jpg',
    ]);
  });

  it("carries an album's updates into the session's queue as one turn, or finishes them once told it could not go", async () => {
    const journal = { takenOver: [] as number[], handed: [] as number[][], notQueued: [] as number[][] };
    const turnsDep: NonNullable<InboundDeps['turns']> = {
      takeOver: (ctx) => {
        journal.takenOver.push(ctx.update.update_id);
        return ctx.update.update_id;
      },
      sendOptions: () => ({ refs: [], onQueued: () => undefined }),
      handed: (_session, _chatId, ids) => void journal.handed.push([...ids]),
      notQueued: async (ids) => void journal.notQueued.push([...ids]),
    };
    let refused = false;
    start({
      turns: turnsDep,
      deliver: async (_chatId, content, options) => {
        turns.push(content);
        if (refused) return { ok: false, message: 'No active session.' };
        options?.onQueued?.('work');
        return { ok: true };
      },
    });
    const photos = await Promise.all([jpeg(100), jpeg(110)]);
    tg.sendAlbum({ userId: USER, photos });
    await waitForTurns(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(journal.takenOver).toHaveLength(2);
    expect(journal.handed).toEqual([journal.takenOver]);
    expect(journal.notQueued).toEqual([]);

    refused = true;
    tg.sendAlbum({ userId: USER, photos });
    await waitForTurns(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(journal.takenOver).toHaveLength(4);
    expect(journal.notQueued).toEqual([journal.takenOver.slice(2)]);
    expect(journal.handed).toHaveLength(1);
  });

  it('saves documents under safe names and tells Claude the path', async () => {
    start();
    tg.sendDocument({ userId: USER, fileName: '../../etc/passwd', bytes: Buffer.from('root:x:0:0') });
    await waitForTurns(1);
    tg.sendDocument({
      userId: USER,
      fileName: '.bashrc',
      bytes: Buffer.from('alias ll=ls'),
      caption: 'tidy it',
    });
    await waitForTurns(2);
    expect(inbox()).toEqual(['20250131-090507-bashrc', '20250131-090507-passwd']);
    expect(textsOf(turns[0])[0]).toContain(path.join(sessionDir, 'inbox', '20250131-090507-passwd'));
    expect(textsOf(turns[1])).toEqual([expect.stringContaining('20250131-090507-bashrc'), 'tidy it']);
  });

  it('refuses a 25 MB document with a clear reply, writing nothing', async () => {
    start();
    tg.sendDocument({ userId: USER, fileName: 'dump.sql', bytes: Buffer.alloc(25 * MB) });
    const reply = await tg.nextMessage(USER, { timeoutMs: 15_000 });
    expect(reply.text).toMatch(/^That file is 25 MB; I take files up to 20 MB, so I didn't save it\./);
    expect(turns).toEqual([]);
    expect(inbox()).toEqual([]);
  });

  it('shows the transcript of a voice message, then sends it to Claude', async () => {
    whisper = await startFakeTranscribe({ script: () => ({ text: 'restart the backup job' }) });
    start({ transcribe: createTranscriber({ settings: { url: whisper.url, model: 'whisper-1' } }) });
    tg.sendVoice({ userId: USER, bytes: tinyOggOpus(2), durationSeconds: 2 });
    expect((await tg.nextMessage(USER, { timeoutMs: 15_000 })).text).toBe('🎙 restart the backup job');
    await waitForTurns(1);
    expect(textsOf(turns[0]).at(-1)).toBe('restart the backup job');
    expect(whisper.requests[0]?.audio.subarray(0, 4).toString()).toBe('OggS');
  });

  it('says how to set transcription up when TRANSCRIBE_URL is missing, saving nothing', async () => {
    start();
    tg.sendVoice({ userId: USER, bytes: tinyOggOpus(1) });
    expect((await tg.nextMessage(USER, { timeoutMs: 15_000 })).text).toBe(VOICE_NOT_CONFIGURED);
    expect(turns).toEqual([]);
    expect(inbox()).toEqual([]);
  });

  it('keeps the audio and says so when the transcription server fails', async () => {
    whisper = await startFakeTranscribe({ script: () => ({ status: 500, message: 'CUDA out of memory' }) });
    start({ transcribe: createTranscriber({ settings: { url: whisper.url, model: 'whisper-1' } }) });
    tg.sendVoice({ userId: USER, bytes: tinyOggOpus(1) });
    const reply = await tg.nextMessage(USER, { timeoutMs: 15_000 });
    expect(reply.text).toBe(
      'The transcription server refused the audio (HTTP 500: CUDA out of memory). The voice message is saved as ' +
        'inbox/20250131-090507-voice.ogg; nothing was sent to Claude. Ask Claude to use that file if you want it to.',
    );
    expect(turns).toEqual([]);
    expect(inbox()).toEqual(['20250131-090507-voice.ogg']);
  });

  it("answers with the session side's sentence when the chat has no active session", async () => {
    start({
      sessionDirOf: async () => ({ ok: false, message: 'No active session. Use /new <name> to start one.' }),
    });
    tg.sendDocument({ userId: USER, fileName: 'a.txt', bytes: Buffer.from('a') });
    expect((await tg.nextMessage(USER, { timeoutMs: 15_000 })).text).toBe(
      'No active session. Use /new <name> to start one.',
    );
    expect(inbox()).toEqual([]);
  });

  it('says there is no active session before asking for TRANSCRIBE_URL, saving nothing', async () => {
    start({
      sessionDirOf: async () => ({ ok: false, message: 'No active session. Use /new <name> to start one.' }),
    });
    tg.sendVoice({ userId: USER, bytes: tinyOggOpus(1), durationSeconds: 1 });
    expect((await tg.nextMessage(USER, { timeoutMs: 15_000 })).text).toBe(
      'No active session. Use /new <name> to start one.',
    );
    expect(tg.messages(USER)).toHaveLength(1);
    expect(inbox()).toEqual([]);
  });
});
