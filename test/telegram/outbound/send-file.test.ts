import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Api } from 'grammy';
import pino from 'pino';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatFileSender } from '../../../src/telegram/outbound/send-file.ts';
import { type FakeTelegram, startFakeTelegram } from '../../fakes/telegram/index.ts';

const USER = 42;
let tg: FakeTelegram;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'out-'));
});
afterEach(async () => {
  await tg.close();
  rmSync(dir, { recursive: true, force: true });
});

async function sender(options: Parameters<typeof startFakeTelegram>[0] = {}) {
  tg = await startFakeTelegram({ rateLimits: false, ...options });
  tg.sendText({ userId: USER, text: 'hi' });
  return chatFileSender(new Api(tg.token, { apiRoot: tg.apiRoot }), USER, pino({ level: 'silent' }));
}

describe('sending a file into the chat', () => {
  it('uploads a photo as a photo and anything else as a document, with the caption', async () => {
    const send = await sender();
    const png = await sharp({ create: { width: 20, height: 10, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
    writeFileSync(path.join(dir, 'chart.png'), png);
    writeFileSync(path.join(dir, 'report.txt'), 'all green');
    const photo = {
      path: path.join(dir, 'chart.png'),
      kind: 'photo' as const,
      size: png.length,
      caption: 'the chart',
    };
    expect(await send(photo)).toEqual({ kind: 'sent' });
    expect(await send({ path: path.join(dir, 'report.txt'), kind: 'document', size: 9 })).toEqual({
      kind: 'sent',
    });
    expect(tg.messages(USER)).toMatchObject([
      { text: 'the chart', photo: { bytes: png, fileName: 'chart.png' } },
      { text: '', document: { fileName: 'report.txt', bytes: Buffer.from('all green') } },
    ]);
  });

  it('sends a photo Telegram refuses again as a document', async () => {
    const send = await sender({ uploadLimitBytes: { photo: 10 } });
    writeFileSync(path.join(dir, 'big.jpg'), Buffer.alloc(100, 1));
    expect(await send({ path: path.join(dir, 'big.jpg'), kind: 'photo', size: 100 })).toEqual({
      kind: 'sent',
    });
    expect(tg.callsTo('sendPhoto')).toMatchObject([{ status: 400 }]);
    expect(tg.messages(USER)).toMatchObject([{ document: { fileName: 'big.jpg' } }]);
  });

  it("gives Claude Telegram's reason when the upload fails", async () => {
    const send = await sender({ uploadLimitBytes: { document: 10 } });
    writeFileSync(path.join(dir, 'log.txt'), Buffer.alloc(100, 65));
    expect(await send({ path: path.join(dir, 'log.txt'), kind: 'document', size: 100 })).toEqual({
      kind: 'failed',
      reason: 'Telegram refused the upload (Request Entity Too Large).',
    });
  });
});
