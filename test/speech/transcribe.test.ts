import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTranscriber } from '../../src/speech/transcribe.ts';
import { tinyOggOpus } from '../fakes/telegram/index.ts';
import { type FakeTranscribe, startFakeTranscribe } from '../fakes/transcribe/index.ts';

let fake: FakeTranscribe | undefined;
let dir: string;
let voice: string;
const audio = tinyOggOpus(2);

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'voice-'));
  voice = path.join(dir, '20250131-090507-voice.oga');
  writeFileSync(voice, audio);
});
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('transcription', () => {
  it('posts the audio and the model with the key, and gives back the text', async () => {
    fake = await startFakeTranscribe({
      apiKey: 'sk-test',
      script: () => ({ text: '  restart the backup job \n' }),
    });
    const transcribe = createTranscriber({
      settings: { url: fake.url, apiKey: 'sk-test', model: 'whisper-1' },
    });
    expect(await transcribe({ path: voice })).toEqual({
      kind: 'transcribed',
      text: 'restart the backup job',
    });
    expect(fake.requests).toMatchObject([
      {
        model: 'whisper-1',
        fileName: '20250131-090507-voice.ogg',
        contentType: 'audio/ogg',
        authorization: 'Bearer sk-test',
      },
    ]);
    expect(fake.requests[0]?.audio).toEqual(audio);
  });

  it('sends no Authorization header without a key', async () => {
    fake = await startFakeTranscribe();
    const transcribe = createTranscriber({ settings: { url: fake.url, model: 'small' } });
    expect(await transcribe({ path: voice })).toMatchObject({ kind: 'transcribed' });
    expect(fake.requests[0]).toMatchObject({ model: 'small' });
    expect(fake.requests[0]?.authorization).toBeUndefined();
  });

  it('says so when it is not configured, without touching the network', async () => {
    const transcribe = createTranscriber({
      settings: undefined,
      fetch: () => Promise.reject(new Error('must not be called')),
    });
    expect(await transcribe({ path: voice })).toEqual({ kind: 'not_configured' });
  });

  it('reports a refusal with its status and message, a wrong key included', async () => {
    fake = await startFakeTranscribe({ apiKey: 'sk-right' });
    const wrongKey = createTranscriber({
      settings: { url: fake.url, apiKey: 'sk-wrong', model: 'whisper-1' },
    });
    expect(await wrongKey({ path: voice })).toEqual({
      kind: 'failed',
      reason: 'refused',
      status: 401,
      message: 'Incorrect API key provided',
    });
    fake.setScript(() => ({ status: 503, message: 'model is loading' }));
    const right = createTranscriber({ settings: { url: fake.url, apiKey: 'sk-right', model: 'whisper-1' } });
    expect(await right({ path: voice })).toMatchObject({
      reason: 'refused',
      status: 503,
      message: 'model is loading',
    });
  });

  it('reports an answer of the wrong shape, a slow endpoint and one that is down', async () => {
    fake = await startFakeTranscribe({ script: () => ({ rawBody: '{"transcript":"no"}' }) });
    const settings = { url: fake.url, model: 'whisper-1' };
    expect(await createTranscriber({ settings })({ path: voice })).toEqual({
      kind: 'failed',
      reason: 'bad_answer',
    });

    fake.setScript(() => ({ text: 'too late' }));
    fake.setDelay(2_000);
    expect(await createTranscriber({ settings, timeoutMs: 200 })({ path: voice })).toEqual({
      kind: 'failed',
      reason: 'timeout',
      afterMs: 200,
    });

    const url = fake.url;
    await fake.close();
    fake = undefined;
    expect(await createTranscriber({ settings: { url, model: 'whisper-1' } })({ path: voice })).toEqual({
      kind: 'failed',
      reason: 'unreachable',
    });
  });
});
