// Photos, albums, documents and voice notes sent to the chat's active session. Register it before
// the catch-all "I only understand text" handler.
import { Composer, type Context } from 'grammy';
import type { Logger } from '../../logging.ts';
import type { Transcriber } from '../../speech/transcribe.ts';
import {
  downloadFailed,
  fileTooBig,
  nothingHeard,
  transcriptionFailed,
  transcriptShown,
  VOICE_NOT_CONFIGURED,
} from '../copy/files.ts';
import type { JournalTurns } from '../journal-turns.ts';
import { AlbumCollector, type AlbumTimers } from './album.ts';
import type { DownloadOutcome } from './download.ts';
import {
  type InboxTarget,
  type PhotoOutcome,
  receiveDocument,
  receivePhoto,
  receiveVoice,
} from './receive.ts';
import { photosTurn, type TurnContent } from './turns.ts';

export type DeliverOutcome = { ok: true } | { ok: false; message: string };

/** The inbound journal's hold on a turn's updates: `refs` go into the Claude queue, `onQueued` hands them over. */
export interface DeliverOptions {
  refs?: readonly number[];
  onQueued?: (session: string) => void;
}

export interface InboundDeps {
  /** The directory of the chat's active session; a sentence for the owner when there is none. */
  sessionDirOf(chatId: number): Promise<{ ok: true; dir: string } | { ok: false; message: string }>;
  /** Hands a turn to the chat's active session (phase B: the session manager's send). */
  deliver(chatId: number, content: TurnContent, options?: DeliverOptions): Promise<DeliverOutcome>;
  /** The inbound journal follows each turn's updates to the end of the turn; absent without one. */
  turns?: Pick<JournalTurns, 'sendOptions' | 'takeOver' | 'handed' | 'notQueued'> | undefined;
  apiRoot: string;
  token: string;
  maxDownloadBytes: number;
  /** Undefined without TRANSCRIBE_URL. */
  transcribe?: Transcriber;
  logger: Logger;
  now?: () => number;
  timers?: AlbumTimers;
  fetch?: typeof fetch;
}

type NotSaved = Exclude<DownloadOutcome, { kind: 'saved' }>;

function notSavedText(outcome: NotSaved): string {
  return outcome.kind === 'too_big'
    ? fileTooBig(outcome.size, outcome.limit)
    : downloadFailed(outcome.detail);
}

interface AlbumPart {
  chatId: number;
  caption?: string;
  photo: Promise<PhotoOutcome>;
  reply: (text: string) => Promise<unknown>;
  /** Taken over from the journal middleware: finished with the album's turn. */
  updateId?: number;
}

export function inboundFiles(deps: InboundDeps): Composer<Context> {
  const composer = new Composer<Context>();
  const now = deps.now ?? Date.now;

  async function targetFor(ctx: Context): Promise<InboxTarget | undefined> {
    const chatId = ctx.chat?.id;
    if (chatId === undefined) return undefined;
    const session = await deps.sessionDirOf(chatId);
    if (!session.ok) {
      await ctx.reply(session.message);
      return undefined;
    }
    return {
      sessionDir: session.dir,
      files: {
        getFile: (fileId) => ctx.api.getFile(fileId),
        apiRoot: deps.apiRoot,
        token: deps.token,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      },
      maxDownloadBytes: deps.maxDownloadBytes,
      now,
    };
  }

  async function deliver(
    chatId: number,
    content: TurnContent,
    reply: (text: string) => Promise<unknown>,
    options?: DeliverOptions,
  ) {
    const outcome = await deps.deliver(chatId, content, options);
    if (!outcome.ok) await reply(outcome.message);
  }

  const albums = new AlbumCollector<AlbumPart>((mediaGroupId, parts) => {
    const first = parts[0];
    if (!first) return;
    const updateIds = parts.flatMap((part) => (part.updateId === undefined ? [] : [part.updateId]));
    let queued = false;
    void (async () => {
      const outcomes = await Promise.all(parts.map((part) => part.photo));
      const photos = outcomes.flatMap((outcome) => (outcome.kind === 'saved' ? [outcome.photo] : []));
      const refused = outcomes.find((outcome): outcome is NotSaved => outcome.kind !== 'saved');
      if (refused) await first.reply(notSavedText(refused));
      if (photos.length === 0) return;
      const caption = parts.find((part) => part.caption)?.caption;
      await deliver(first.chatId, photosTurn(photos, caption), first.reply, {
        refs: updateIds,
        onQueued: (session) => {
          queued = true;
          deps.turns?.handed(session, first.chatId, updateIds);
        },
      });
    })()
      .finally(() => (queued ? undefined : deps.turns?.notQueued(updateIds)))
      .catch((error: unknown) =>
        deps.logger.error({ err: error, mediaGroupId }, 'album could not be delivered'),
      );
  }, deps.timers);

  composer.on('message:photo', async (ctx) => {
    const target = await targetFor(ctx);
    const largest = ctx.message.photo.at(-1);
    if (!target || !largest) return;
    const photo = receivePhoto(target, largest);
    const caption = ctx.message.caption;
    const reply = (text: string) => ctx.reply(text);
    const mediaGroupId = ctx.message.media_group_id;
    if (mediaGroupId !== undefined) {
      // Not awaited: the next photos of the album must reach the collector within its quiet window.
      photo.catch(() => undefined);
      const updateId = deps.turns?.takeOver(ctx);
      albums.add(`${ctx.chat.id}:${mediaGroupId}`, {
        chatId: ctx.chat.id,
        photo,
        reply,
        ...(caption ? { caption } : {}),
        ...(updateId === undefined ? {} : { updateId }),
      });
      return;
    }
    const outcome = await photo;
    if (outcome.kind !== 'saved') return void (await reply(notSavedText(outcome)));
    await deliver(ctx.chat.id, photosTurn([outcome.photo], caption), reply, deps.turns?.sendOptions(ctx));
  });

  composer.on('message:document', async (ctx) => {
    const target = await targetFor(ctx);
    if (!target) return;
    const outcome = await receiveDocument(target, ctx.message.document, ctx.message.caption);
    if (outcome.kind !== 'turn') return void (await ctx.reply(notSavedText(outcome)));
    await deliver(ctx.chat.id, outcome.content, (text) => ctx.reply(text), deps.turns?.sendOptions(ctx));
  });

  composer.on(['message:voice', 'message:audio'], async (ctx) => {
    // No active session is said first: setting transcription up would not get the message anywhere.
    const target = await targetFor(ctx);
    const audio = ctx.message.voice ?? ctx.message.audio;
    if (!target || !audio) return;
    if (!deps.transcribe) return void (await ctx.reply(VOICE_NOT_CONFIGURED));
    await ctx.replyWithChatAction('typing').catch(() => undefined);
    const outcome = await receiveVoice(target, audio, deps.transcribe);
    switch (outcome.kind) {
      case 'not_configured':
        return void (await ctx.reply(VOICE_NOT_CONFIGURED));
      case 'too_big':
      case 'failed':
        return void (await ctx.reply(notSavedText(outcome)));
      case 'nothing_heard':
        return void (await ctx.reply(nothingHeard(outcome.audioPath)));
      case 'transcription_failed':
        return void (await ctx.reply(transcriptionFailed(outcome.failure, outcome.audioPath)));
      case 'transcribed':
        await ctx.reply(transcriptShown(outcome.text));
        await deliver(ctx.chat.id, outcome.content, (text) => ctx.reply(text), deps.turns?.sendOptions(ctx));
    }
  });

  return composer;
}
