// Every sentence the owner reads about files, photos and voice messages, built from typed outcomes.
import type { TranscriptionFailure } from '../../speech/transcribe.ts';

const MB = 1024 * 1024;
/** getFile's cap on the public Bot API server. */
const PUBLIC_DOWNLOAD_LIMIT = 20 * MB;

function megabytes(bytes: number): string {
  const value = bytes / MB;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} MB`;
}

export function fileTooBig(size: number | undefined, limit: number): string {
  const what = size === undefined ? 'That file is too big' : `That file is ${megabytes(size)}`;
  const why =
    limit >= PUBLIC_DOWNLOAD_LIMIT
      ? ' Telegram lets a bot download at most 20 MB (a self-hosted Bot API server in TELEGRAM_API_ROOT lifts that).'
      : '';
  return `${what}; I take files up to ${megabytes(limit)}, so I didn't save it.${why} Nothing was sent to Claude.`;
}

export function downloadFailed(detail: string): string {
  return `I couldn't get that file from Telegram (${detail}). Nothing was sent to Claude; try sending it again.`;
}

export const VOICE_NOT_CONFIGURED =
  "I can't transcribe voice messages: TRANSCRIBE_URL isn't set. Point it at an OpenAI-compatible " +
  "speech-to-text server (a Whisper server on your LAN, such as speaches or whisper.cpp's server, or " +
  'https://api.openai.com with TRANSCRIBE_API_KEY), restart the bot, and send the voice message again.';

/** The transcript, shown before Claude acts on it, so a misheard word is seen in time. */
export function transcriptShown(text: string): string {
  return `🎙 ${text}`;
}

export function nothingHeard(audioPath: string): string {
  return `I couldn't make out any words in that voice message (saved as ${audioPath}). Nothing was sent to Claude.`;
}

export function transcriptionFailed(failure: TranscriptionFailure, audioPath: string): string {
  const reason = (() => {
    switch (failure.reason) {
      case 'timeout':
        return `The transcription server didn't answer within ${Math.round(failure.afterMs / 1000)} s.`;
      case 'unreachable':
        return "The transcription server (TRANSCRIBE_URL) can't be reached.";
      case 'refused':
        return `The transcription server refused the audio (HTTP ${failure.status}${failure.message ? `: ${failure.message}` : ''}).`;
      case 'bad_answer':
        return 'The transcription server answered something I could not read as a transcript.';
    }
  })();
  return `${reason} The voice message is saved as ${audioPath}; nothing was sent to Claude. Ask Claude to use that file if you want it to.`;
}
