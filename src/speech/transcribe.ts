// Speech to text through an OpenAI-compatible endpoint (`POST {url}/v1/audio/transcriptions`), as
// OpenAI and the LAN Whisper servers (speaches, whisper.cpp's server, LocalAI) serve it.
import { openAsBlob } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export interface TranscribeSettings {
  /** Base URL, without `/v1/…` and without a trailing slash. */
  url: string;
  apiKey?: string;
  model: string;
}

export type TranscriptionFailure =
  | { kind: 'failed'; reason: 'timeout'; afterMs: number }
  | { kind: 'failed'; reason: 'unreachable' }
  | { kind: 'failed'; reason: 'refused'; status: number; message?: string }
  | { kind: 'failed'; reason: 'bad_answer' };

export type TranscriptionOutcome =
  | { kind: 'transcribed'; text: string }
  | { kind: 'not_configured' }
  | TranscriptionFailure;

export interface TranscriberOptions {
  /** Undefined: voice messages cannot be transcribed (TRANSCRIBE_URL is not set). */
  settings: TranscribeSettings | undefined;
  /** Gives up after this long (default 60 s: a LAN Whisper on a CPU takes a while for a long note). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export type Transcriber = (audio: { path: string; mimeType?: string }) => Promise<TranscriptionOutcome>;

const answerSchema = z.object({ text: z.string() });
const errorSchema = z.object({ error: z.object({ message: z.string() }) });

const DEFAULT_TIMEOUT_MS = 60_000;

async function errorMessage(response: Response): Promise<string | undefined> {
  try {
    const parsed = errorSchema.safeParse(await response.json());
    return parsed.success ? parsed.data.error.message.slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}

/** A transcriber; the audio is streamed from disk (a Blob backed by the file), never read whole first. */
export function createTranscriber(options: TranscriberOptions): Transcriber {
  const { settings } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch = options.fetch ?? fetch;
  return async (audio) => {
    if (!settings) return { kind: 'not_configured' };
    const form = new FormData();
    const blob = await openAsBlob(audio.path, { type: audio.mimeType ?? 'audio/ogg' });
    // Telegram names voice notes `.oga`; servers pick the decoder by extension and know `.ogg`.
    const fileName = path.basename(audio.path).replace(/\.oga$/i, '.ogg');
    form.set('file', blob, fileName);
    form.set('model', settings.model);
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await doFetch(`${settings.url}/v1/audio/transcriptions`, {
        method: 'POST',
        body: form,
        headers: settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {},
        signal,
      });
    } catch {
      return signal.aborted
        ? { kind: 'failed', reason: 'timeout', afterMs: timeoutMs }
        : { kind: 'failed', reason: 'unreachable' };
    }
    try {
      if (!response.ok) {
        const message = await errorMessage(response);
        return {
          kind: 'failed',
          reason: 'refused',
          status: response.status,
          ...(message ? { message } : {}),
        };
      }
      const parsed = answerSchema.safeParse(await response.json());
      if (!parsed.success) return { kind: 'failed', reason: 'bad_answer' };
      return { kind: 'transcribed', text: parsed.data.text.trim() };
    } catch {
      return signal.aborted
        ? { kind: 'failed', reason: 'timeout', afterMs: timeoutMs }
        : { kind: 'failed', reason: 'bad_answer' };
    }
  };
}
