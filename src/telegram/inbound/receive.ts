// From a Telegram file to what Claude gets: saved in the session's inbox, then turned into a turn.
// Typed outcomes only; the composer says them to the owner.
import path from 'node:path';
import type { Transcriber, TranscriptionFailure } from '../../speech/transcribe.ts';
import { type DownloadOutcome, downloadToInbox, type TelegramFiles } from './download.ts';
import { inboxFileName } from './file-name.ts';
import { prepareImageFile } from './image.ts';
import { documentTurn, type ReceivedPhoto, type TurnContent, voiceTurn } from './turns.ts';

export interface InboxTarget {
  /** The session directory; files go to its `inbox/`. */
  sessionDir: string;
  files: TelegramFiles;
  maxDownloadBytes: number;
  now: () => number;
}

export interface TelegramFileRef {
  file_id: string;
  file_size?: number;
}

type NotSaved = Exclude<DownloadOutcome, { kind: 'saved' }>;

export type PhotoOutcome = { kind: 'saved'; photo: ReceivedPhoto } | NotSaved;
export type DocumentOutcome = { kind: 'turn'; content: TurnContent } | NotSaved;
export type VoiceOutcome =
  | { kind: 'transcribed'; text: string; content: TurnContent; audioPath: string }
  | { kind: 'not_configured' }
  | { kind: 'nothing_heard'; audioPath: string }
  | { kind: 'transcription_failed'; failure: TranscriptionFailure; audioPath: string }
  | NotSaved;

function download(target: InboxTarget, file: TelegramFileRef, fileName: string): Promise<DownloadOutcome> {
  return downloadToInbox(target.files, {
    fileId: file.file_id,
    ...(file.file_size !== undefined ? { fileSize: file.file_size } : {}),
    fileName,
    inboxDir: path.join(target.sessionDir, 'inbox'),
    maxBytes: target.maxDownloadBytes,
  });
}

/** `inbox/<name>`: how the owner is shown a saved file. */
export function inboxRelative(target: { sessionDir: string }, file: string): string {
  return path.relative(target.sessionDir, file);
}

/** The largest size of a photo, saved, and read as an image for the model when it can be. */
export async function receivePhoto(target: InboxTarget, largest: TelegramFileRef): Promise<PhotoOutcome> {
  const saved = await download(
    target,
    largest,
    inboxFileName(undefined, new Date(target.now()), 'photo.jpg'),
  );
  if (saved.kind !== 'saved') return saved;
  const image = await prepareImageFile(saved.path).catch(() => undefined);
  return { kind: 'saved', photo: { path: saved.path, ...(image ? { image } : {}) } };
}

export async function receiveDocument(
  target: InboxTarget,
  document: TelegramFileRef & { file_name?: string; mime_type?: string },
  caption: string | undefined,
): Promise<DocumentOutcome> {
  const name = inboxFileName(document.file_name, new Date(target.now()), 'file');
  const saved = await download(target, document, name);
  if (saved.kind !== 'saved') return saved;
  const content = documentTurn(
    {
      path: saved.path,
      size: saved.size,
      ...(document.file_name ? { originalName: document.file_name } : {}),
      ...(document.mime_type ? { mimeType: document.mime_type } : {}),
    },
    caption,
  );
  return { kind: 'turn', content };
}

/** Not configured: nothing is downloaded. Otherwise the audio stays in the inbox whatever happens next. */
export async function receiveVoice(
  target: InboxTarget,
  voice: TelegramFileRef & { mime_type?: string },
  transcribe: Transcriber | undefined,
): Promise<VoiceOutcome> {
  if (!transcribe) return { kind: 'not_configured' };
  const saved = await download(target, voice, inboxFileName(undefined, new Date(target.now()), 'voice.ogg'));
  if (saved.kind !== 'saved') return saved;
  const audioPath = inboxRelative(target, saved.path);
  const outcome = await transcribe({
    path: saved.path,
    ...(voice.mime_type ? { mimeType: voice.mime_type } : {}),
  });
  if (outcome.kind === 'not_configured') return outcome;
  if (outcome.kind === 'failed') return { kind: 'transcription_failed', failure: outcome, audioPath };
  if (outcome.text === '') return { kind: 'nothing_heard', audioPath };
  return { kind: 'transcribed', text: outcome.text, content: voiceTurn(outcome.text), audioPath };
}
