import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { badRequest, callApi, upload } from './call-api.ts';
import { type FakeTelegram, startFakeTelegram, tinyOggOpus } from './index.ts';

const USER = 7001;
const MB = 1024 * 1024;
let tg: FakeTelegram;

beforeEach(async () => {
  tg = await startFakeTelegram({ token: '123:ABC', rateLimits: false });
  tg.sendText({ userId: USER, text: 'hi' });
});
afterEach(() => tg.close());

const jpeg = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#3366aa' } })
    .jpeg()
    .toBuffer();

interface FileInfo {
  file_id: string;
  file_size?: number;
}

async function download(fileId: string): Promise<{ bytes: Buffer; filePath: string; fileSize: number }> {
  const reply = await callApi(tg, 'getFile', { file_id: fileId });
  const file = reply.result as { file_path: string; file_size: number };
  const response = await fetch(`${tg.apiRoot}/file/bot${tg.token}/${file.file_path}`);
  return {
    bytes: Buffer.from(await response.arrayBuffer()),
    filePath: file.file_path,
    fileSize: file.file_size,
  };
}

describe("the user's photos", () => {
  it('lists each rendition, largest last, with its own bytes and dimensions', async () => {
    const [small, medium, large] = await Promise.all([jpeg(90, 60), jpeg(320, 213), jpeg(1280, 853)]);
    const update = tg.sendPhoto({
      userId: USER,
      caption: 'the error',
      bytes: large,
      smaller: [small, medium],
    });
    const message = update.message as { photo: Array<FileInfo & { width: number }>; caption: string };
    expect(message.caption).toBe('the error');
    expect(message.photo.map((size) => size.width)).toEqual([90, 320, 1280]);
    const largest = message.photo.at(-1) as FileInfo;
    const fetched = await download(largest.file_id);
    expect(fetched.bytes).toEqual(large);
    expect(fetched.fileSize).toBe(large.length);
    expect(fetched.filePath).toMatch(/^photos\/file_\d+\.jpg$/);
  });

  it('sends an album as messages sharing one media_group_id, the caption on the first', async () => {
    const photos = await Promise.all([jpeg(40, 40), jpeg(50, 50), jpeg(60, 60)]);
    const updates = tg.sendAlbum({ userId: USER, caption: 'three screens', photos });
    const messages = updates.map(
      (update) => update.message as { media_group_id: string; caption?: string; photo: FileInfo[] },
    );
    expect(new Set(messages.map((message) => message.media_group_id)).size).toBe(1);
    expect(messages.map((message) => message.caption)).toEqual(['three screens', undefined, undefined]);
    for (const [index, message] of messages.entries()) {
      expect((await download((message.photo.at(-1) as FileInfo).file_id)).bytes).toEqual(photos[index]);
    }
    const next = tg.sendAlbum({ userId: USER, photos: photos.slice(0, 2) });
    const nextGroup = (next[0]?.message as { media_group_id?: string } | undefined)?.media_group_id;
    expect(nextGroup).toMatch(/^\d+$/);
    expect(nextGroup).not.toBe(messages[0]?.media_group_id);
  });
});

describe("the user's documents and voice notes", () => {
  it('keeps any file name as sent, and serves the bytes', async () => {
    for (const fileName of ['../../etc/passwd', '.bashrc', 'résumé final.pdf']) {
      const bytes = Buffer.from(`contents of ${fileName}`);
      const update = tg.sendDocument({ userId: USER, fileName, bytes });
      const document = (update.message as { document: FileInfo & { file_name: string } }).document;
      expect(document.file_name).toBe(fileName);
      expect((await download(document.file_id)).bytes).toEqual(bytes);
    }
  });

  it('refuses getFile over 20 MB as the public server does, unless the limit is lifted', async () => {
    const bytes = Buffer.alloc(25 * MB, 1);
    const update = tg.sendDocument({ userId: USER, fileName: 'big.bin', bytes });
    const { file_id, file_size } = (update.message as { document: FileInfo }).document;
    expect(file_size).toBe(25 * MB);
    expect(await callApi(tg, 'getFile', { file_id })).toEqual(badRequest('file is too big'));

    const selfHosted = await startFakeTelegram({ token: '123:ABC', downloadLimitBytes: 100 * MB });
    try {
      const big = selfHosted.sendDocument({ userId: USER, fileName: 'big.bin', bytes });
      const id = (big.message as { document: FileInfo }).document.file_id;
      const reply = await callApi(selfHosted, 'getFile', { file_id: id });
      expect(reply.result).toMatchObject({ file_size: 25 * MB });
    } finally {
      await selfHosted.close();
    }
  });

  it('sends a voice note as real Ogg/Opus', async () => {
    const bytes = tinyOggOpus(2);
    const update = tg.sendVoice({ userId: USER, bytes, durationSeconds: 2 });
    const voice = (update.message as { voice: FileInfo & { duration: number; mime_type: string } }).voice;
    expect(voice).toMatchObject({ duration: 2, mime_type: 'audio/ogg', file_size: bytes.length });
    const fetched = await download(voice.file_id);
    expect(fetched.filePath).toMatch(/^voice\/file_\d+\.oga$/);
    expect(fetched.bytes.subarray(0, 4).toString('latin1')).toBe('OggS');
    expect(fetched.bytes.includes(Buffer.from('OpusHead'))).toBe(true);
    expect(fetched.bytes.includes(Buffer.from('OpusTags'))).toBe(true);
  });
});

describe('what the bot uploads', () => {
  const send = (method: 'sendPhoto' | 'sendDocument', bytes: Buffer, fields: Record<string, string> = {}) =>
    upload(
      tg,
      method,
      { chat_id: String(USER), ...fields },
      { field: method === 'sendPhoto' ? 'photo' : 'document', name: 'out.bin', bytes },
    );

  it("refuses a photo over 10 MB and a document over 50 MB, as Telegram's limits", async () => {
    expect(await send('sendPhoto', Buffer.alloc(10 * MB + 1, 7))).toEqual(
      badRequest('PHOTO_SAVE_FILE_INVALID'),
    );
    expect((await send('sendDocument', Buffer.alloc(10 * MB + 1, 7))).ok).toBe(true);
  });

  it('takes a file exactly at the limit and refuses one byte more (limits lowered to keep it quick)', async () => {
    const small = await startFakeTelegram({
      token: '123:ABC',
      uploadLimitBytes: { photo: 1000, document: 2000 },
    });
    try {
      small.sendText({ userId: USER, text: 'hi' });
      const at = (method: 'sendPhoto' | 'sendDocument', size: number) =>
        upload(
          small,
          method,
          { chat_id: String(USER) },
          { field: method === 'sendPhoto' ? 'photo' : 'document', name: 'f', bytes: Buffer.alloc(size, 1) },
        );
      expect((await at('sendPhoto', 1000)).ok).toBe(true);
      expect(await at('sendPhoto', 1001)).toEqual(badRequest('PHOTO_SAVE_FILE_INVALID'));
      expect((await at('sendDocument', 2000)).ok).toBe(true);
      expect(await at('sendDocument', 2001)).toEqual({
        ok: false,
        status: 413,
        error_code: 413,
        description: 'Request Entity Too Large',
      });
    } finally {
      await small.close();
    }
  });

  it('records the bytes, file name and caption, and refuses a caption over 1024 characters', async () => {
    const bytes = Buffer.from('chart');
    expect((await send('sendPhoto', bytes, { caption: 'c'.repeat(1025) })).ok).toBe(false);
    expect((await send('sendPhoto', bytes, { caption: 'the chart' })).ok).toBe(true);
    expect(tg.messages(USER)).toMatchObject([{ text: 'the chart', photo: { bytes, fileName: 'out.bin' } }]);
    expect(await callApi(tg, 'sendPhoto', { chat_id: USER })).toEqual(
      badRequest('there is no photo in the request'),
    );
  });
});
