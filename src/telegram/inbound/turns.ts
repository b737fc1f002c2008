// What Claude receives for a photo, an album, a document or a voice note: content blocks in the
// Messages API's shape (what the Agent SDK's SDKUserMessage carries). The owner's own words (the
// caption, the transcript) come last, as their own text block: they are the prompt. The notes before
// them are for Claude, never shown to the owner.
import type { ImageMediaType, ModelImage } from './image.ts';

export type TurnBlock =
  | { type: 'text'; text: string }
  | { type: 'image'; source: { type: 'base64'; media_type: ImageMediaType; data: string } };

/** One user turn. Assignable to the SDK's `SDKUserMessage['message']['content']`. */
export type TurnContent = TurnBlock[];

export interface ReceivedPhoto {
  /** Where the original was saved (the largest size Telegram offered). */
  path: string;
  /** The image as the model may see it; absent when it could not be read as an image. */
  image?: ModelImage;
}

export interface ReceivedDocument {
  path: string;
  /** The name it had on the owner's phone, before it was made safe. */
  originalName?: string;
  size: number;
  mimeType?: string;
}

function text(value: string): TurnBlock {
  return { type: 'text', text: value };
}

function ownerWords(caption: string | undefined): TurnBlock[] {
  const words = caption?.trim();
  return words ? [text(words)] : [];
}

/** `12.3 kB (12 345 bytes)`: readable, and exact for a tool that checks. */
export function describeSize(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]} (${bytes} bytes)`;
}

/** A photo or an album (one turn, every photo), with the caption as the prompt. */
export function photosTurn(photos: readonly ReceivedPhoto[], caption?: string): TurnContent {
  const images: TurnBlock[] = photos.flatMap((photo) =>
    photo.image
      ? [
          {
            type: 'image' as const,
            source: { type: 'base64' as const, media_type: photo.image.mediaType, data: photo.image.data },
          },
        ]
      : [],
  );
  const unreadable = photos.filter((photo) => !photo.image).map((photo) => photo.path);
  const scaled = photos.some((photo) => photo.image?.scaled);
  const saved =
    photos.length === 1
      ? `The owner sent a photo${images.length ? ' (attached)' : ''}, saved as ${photos[0]?.path}.`
      : `The owner sent ${photos.length} photos as an album${images.length ? ' (attached, in order)' : ''}, saved as: ${photos.map((photo) => photo.path).join(', ')}.`;
  const notes = [
    saved,
    scaled ? 'Large images were scaled down for you; the saved files are the originals.' : '',
    unreadable.length ? `These could not be read as images: ${unreadable.join(', ')}.` : '',
    caption?.trim()
      ? ''
      : 'They wrote nothing with it: look at it, and ask what they want if it is not obvious.',
  ].filter(Boolean);
  return [...images, text(notes.join(' ')), ...ownerWords(caption)];
}

/** A document: Claude is told where it is, how big and what type; it reads it with its own tools. */
export function documentTurn(document: ReceivedDocument, caption?: string): TurnContent {
  const name = document.originalName ? ` (sent as ${JSON.stringify(document.originalName)})` : '';
  const type = document.mimeType ? `, ${document.mimeType}` : '';
  const note = `The owner sent a file${name}, saved as ${document.path}: ${describeSize(document.size)}${type}. Read it with your tools if you need its contents.`;
  const ask = caption?.trim()
    ? ''
    : ' They wrote nothing with it: ask what they want done with it if it is not obvious.';
  return [text(note + ask), ...ownerWords(caption)];
}

/** A transcribed voice note: the transcript is the message. */
export function voiceTurn(transcript: string): TurnContent {
  return [
    text('The owner dictated this as a voice message; the transcript may contain recognition mistakes.'),
    text(transcript.trim()),
  ];
}
