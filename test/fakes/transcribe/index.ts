// A fake OpenAI-compatible speech-to-text server: `POST /v1/audio/transcriptions`, checked the way
// OpenAI and the LAN Whisper servers (speaches, whisper.cpp's server) check it, answering from a script.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseMultipart } from '../telegram/multipart.ts';

/** One request the fake accepted. */
export interface TranscriptionRequest {
  model: string;
  fileName: string;
  contentType?: string;
  audio: Buffer;
  /** Other form fields (language, prompt, response_format…). */
  fields: Record<string, string>;
  authorization?: string;
}

export type TranscriptionReply =
  | { text: string }
  /** An HTTP error with OpenAI's error body. */
  | { status: number; message?: string }
  /** A 200 whose body is not `{ "text": string }`. */
  | { rawBody: string };

export type TranscriptionScript = (request: TranscriptionRequest) => TranscriptionReply;

export interface FakeTranscribeOptions {
  /** Requests must carry `Authorization: Bearer <apiKey>`; without it, none is required. */
  apiKey?: string;
  script?: TranscriptionScript;
  /** Held this long before answering (a slow endpoint). */
  delayMs?: number;
}

export interface FakeTranscribe {
  /** The base URL, as TRANSCRIBE_URL takes it. */
  readonly url: string;
  /** Requests that passed the checks, in order. */
  readonly requests: readonly TranscriptionRequest[];
  /** Every request's status code, including refused ones. */
  readonly statuses: readonly number[];
  setScript(script: TranscriptionScript): void;
  setDelay(ms: number): void;
  close(): Promise<void>;
}

const OGG_MAGIC = Buffer.from('OggS');

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function openAiError(res: ServerResponse, status: number, message: string): number {
  sendJson(res, status, { error: { message, type: 'invalid_request_error', param: null, code: null } });
  return status;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFakeTranscribe(options: FakeTranscribeOptions = {}): Promise<FakeTranscribe> {
  let script: TranscriptionScript = options.script ?? (() => ({ text: 'hello from the fake whisper' }));
  let delayMs = options.delayMs ?? 0;
  const requests: TranscriptionRequest[] = [];
  const statuses: number[] = [];
  const timers = new Set<NodeJS.Timeout>();

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (req.method !== 'POST' || path !== '/v1/audio/transcriptions') {
      req.resume();
      return openAiError(res, 404, `Unknown request URL: ${req.method} ${path}`);
    }
    const authorization = req.headers.authorization;
    const body = await readBody(req);
    if (options.apiKey !== undefined && authorization !== `Bearer ${options.apiKey}`) {
      return openAiError(res, 401, 'Incorrect API key provided');
    }
    const parts = parseMultipart(body, req.headers['content-type'] ?? '');
    if (!parts) return openAiError(res, 400, 'Expected a multipart/form-data body');
    const file = parts.find((part) => part.name === 'file' && part.fileName !== undefined);
    const fields = Object.fromEntries(
      parts
        .filter((part) => part.fileName === undefined)
        .map((part) => [part.name, part.body.toString('utf8')]),
    );
    if (!file || file.body.length === 0) return openAiError(res, 400, "Missing required parameter: 'file'");
    if (!fields.model) return openAiError(res, 400, "Missing required parameter: 'model'");
    if (
      !file.body.subarray(0, 4).equals(OGG_MAGIC) &&
      !/\.(mp3|m4a|wav|webm|flac|mp4|mpeg|mpga)$/i.test(file.fileName ?? '')
    ) {
      return openAiError(res, 400, 'Invalid file format.');
    }
    const { model, ...rest } = fields;
    const request: TranscriptionRequest = {
      model,
      fileName: file.fileName ?? '',
      ...(file.contentType ? { contentType: file.contentType } : {}),
      audio: file.body,
      fields: rest,
      ...(authorization ? { authorization } : {}),
    };
    requests.push(request);
    if (delayMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, delayMs);
        timers.add(timer);
      });
    }
    const reply = script(request);
    if ('text' in reply) {
      sendJson(res, 200, { text: reply.text });
      return 200;
    }
    if ('rawBody' in reply) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(reply.rawBody);
      return 200;
    }
    return openAiError(
      res,
      reply.status,
      reply.message ?? 'The server had an error processing your request.',
    );
  }

  const server = createServer((req, res) => {
    answer(req, res).then(
      (status) => statuses.push(status),
      () => {
        statuses.push(500);
        res.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    statuses,
    setScript(next) {
      script = next;
    },
    setDelay(ms) {
      delayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
