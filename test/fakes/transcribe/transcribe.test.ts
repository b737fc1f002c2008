import { afterEach, describe, expect, it } from 'vitest';
import { tinyOggOpus } from '../telegram/index.ts';
import { type FakeTranscribe, startFakeTranscribe } from './index.ts';

let fake: FakeTranscribe | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function form(parts: { file?: Buffer; fileName?: string; model?: string; language?: string }): FormData {
  const body = new FormData();
  if (parts.file)
    body.set('file', new Blob([parts.file], { type: 'audio/ogg' }), parts.fileName ?? 'voice.ogg');
  if (parts.model) body.set('model', parts.model);
  if (parts.language) body.set('language', parts.language);
  return body;
}

async function post(body: FormData, headers: Record<string, string> = {}, path = '/v1/audio/transcriptions') {
  const response = await fetch(`${fake?.url}${path}`, { method: 'POST', body, headers });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('the fake transcription server', () => {
  it('answers a well-formed request from the script and records it', async () => {
    fake = await startFakeTranscribe({
      apiKey: 'sk-test',
      script: (request) => ({ text: `heard ${request.audio.length} bytes` }),
    });
    const audio = tinyOggOpus(1);
    const reply = await post(form({ file: audio, model: 'whisper-1', language: 'en' }), {
      authorization: 'Bearer sk-test',
    });
    expect(reply).toEqual({ status: 200, json: { text: `heard ${audio.length} bytes` } });
    expect(fake.requests).toMatchObject([
      { model: 'whisper-1', fileName: 'voice.ogg', contentType: 'audio/ogg', fields: { language: 'en' } },
    ]);
    expect(fake.requests[0]?.audio).toEqual(audio);
  });

  it('refuses a missing or wrong key, a missing file or model, and audio that is not audio', async () => {
    fake = await startFakeTranscribe({ apiKey: 'sk-test' });
    const auth = { authorization: 'Bearer sk-test' };
    const audio = tinyOggOpus(1);
    expect((await post(form({ file: audio, model: 'whisper-1' }))).status).toBe(401);
    expect(
      (await post(form({ file: audio, model: 'whisper-1' }), { authorization: 'Bearer nope' })).status,
    ).toBe(401);
    expect(await post(form({ model: 'whisper-1' }), auth)).toMatchObject({
      status: 400,
      json: { error: { message: "Missing required parameter: 'file'" } },
    });
    expect((await post(form({ file: audio }), auth)).status).toBe(400);
    expect(
      (await post(form({ file: Buffer.from('not audio'), fileName: 'x.txt', model: 'm' }), auth)).status,
    ).toBe(400);
    expect((await post(form({ file: audio, model: 'm' }), auth, '/v1/chat/completions')).status).toBe(404);
    expect(fake.requests).toEqual([]);
  });

  it('needs no key when none is configured', async () => {
    fake = await startFakeTranscribe();
    expect((await post(form({ file: tinyOggOpus(1), model: 'whisper-1' }))).status).toBe(200);
    expect(fake.requests[0]?.authorization).toBeUndefined();
  });

  it('can fail, answer nonsense, or be slow', async () => {
    fake = await startFakeTranscribe({ script: () => ({ status: 503, message: 'overloaded' }) });
    const request = () => post(form({ file: tinyOggOpus(1), model: 'whisper-1' }));
    expect(await request()).toMatchObject({ status: 503, json: { error: { message: 'overloaded' } } });
    fake.setScript(() => ({ rawBody: '{"transcript":"wrong shape"}' }));
    expect(await request()).toEqual({ status: 200, json: { transcript: 'wrong shape' } });
    fake.setScript(() => ({ text: 'late' }));
    fake.setDelay(300);
    const started = Date.now();
    expect((await request()).json).toEqual({ text: 'late' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(fake.statuses).toEqual([503, 200, 200]);
  });
});
