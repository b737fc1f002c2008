// The test user's side: messages, photos, documents and button presses become queued updates.
import { findBotCommands } from './entities.ts';
import { findCallbackButton } from './keyboard.ts';
import { documentObject, photoSizes, voiceObject } from './objects.ts';
import type { FakeTelegramState, StoredMessage, Update } from './state.ts';

export interface UserMessageInput {
  userId: number;
  chatId?: number;
  firstName?: string;
}

export function userObject(userId: number, firstName: string): Record<string, unknown> {
  return { id: userId, is_bot: false, first_name: firstName, language_code: 'en' };
}

export function postUserMessage(
  state: FakeTelegramState,
  input: UserMessageInput,
  content: Record<string, unknown>,
  fileIds: string[],
): Update {
  const chatId = input.chatId ?? input.userId;
  const firstName = input.firstName ?? `User${input.userId}`;
  const chat = state.openChat(chatId, input.userId, firstName);
  const messageId = state.allocateMessageId(chatId);
  const date = state.unixNow();
  const telegram = {
    message_id: messageId,
    from: userObject(input.userId, firstName),
    chat: state.chatObject(chat),
    date,
    ...content,
  };
  const stored: StoredMessage = {
    messageId,
    chatId,
    fromBot: false,
    userId: input.userId,
    date,
    telegram,
    fileIds,
    deleted: false,
  };
  state.addMessage(stored);
  return state.enqueue({ message: telegram });
}

/** What a Telegram client sends at most in one message: longer text is split (the user's own limit). */
export const USER_TEXT_LIMIT = 4096;

/** Throws as a Telegram client would refuse to send it: empty, or over `limit` UTF-16 code units. */
export function checkUserText(text: string, what: string, limit = USER_TEXT_LIMIT): void {
  if (text.length === 0) throw new Error(`a ${what} cannot be empty`);
  if (text.length > limit)
    throw new Error(
      `a ${what} is at most ${limit} characters (a client splits longer text), got ${text.length}`,
    );
}

function withCaption(caption: string | undefined): Record<string, unknown> {
  if (caption === undefined || caption === '') return {};
  // 1024 for most users, 4096 with Telegram Premium: the fake takes the larger.
  checkUserText(caption, 'caption');
  const entities = findBotCommands(caption);
  return { caption, ...(entities.length > 0 ? { caption_entities: entities } : {}) };
}

export function userSendsText(
  state: FakeTelegramState,
  input: UserMessageInput & { text: string; replyToMessageId?: number },
): Update {
  checkUserText(input.text, 'text message');
  const entities = findBotCommands(input.text);
  const chatId = input.chatId ?? input.userId;
  const repliedTo =
    input.replyToMessageId === undefined ? undefined : state.liveMessage(chatId, input.replyToMessageId);
  if (input.replyToMessageId !== undefined && !repliedTo)
    throw new Error(`chat ${chatId} has no message ${input.replyToMessageId} to reply to`);
  return postUserMessage(
    state,
    input,
    {
      text: input.text,
      ...(entities.length > 0 ? { entities } : {}),
      ...(repliedTo ? { reply_to_message: repliedTo.telegram } : {}),
    },
    [],
  );
}

export interface PhotoInput {
  caption?: string;
  /** The photo as sent: the largest size, last in `message.photo`. */
  bytes: Buffer;
  /** Smaller renditions, smallest first; without them a thumbnail stands in with the original's bytes. */
  smaller?: Buffer[];
}

function photoContent(state: FakeTelegramState, input: PhotoInput) {
  const renditions = input.smaller?.length ? input.smaller : [input.bytes];
  const fileIds = [...renditions, input.bytes].map(
    (bytes) => state.storeFile(bytes, 'photos', undefined, 'image/jpeg').fileId,
  );
  return { content: { photo: photoSizes(state, fileIds), ...withCaption(input.caption) }, fileIds };
}

export function userSendsPhoto(state: FakeTelegramState, input: UserMessageInput & PhotoInput): Update {
  const { content, fileIds } = photoContent(state, input);
  return postUserMessage(state, input, content, fileIds);
}

/** An album: one message per photo, sharing a `media_group_id`; the caption rides on the first. */
export function userSendsAlbum(
  state: FakeTelegramState,
  input: UserMessageInput & { caption?: string; photos: Array<Buffer | PhotoInput> },
): Update[] {
  const mediaGroupId = state.newMediaGroupId();
  return input.photos.map((photo, index) => {
    const single = Buffer.isBuffer(photo) ? { bytes: photo } : photo;
    const caption = index === 0 ? (single.caption ?? input.caption) : single.caption;
    const { content, fileIds } = photoContent(state, { ...single, caption });
    return postUserMessage(state, input, { ...content, media_group_id: mediaGroupId }, fileIds);
  });
}

export function userSendsDocument(
  state: FakeTelegramState,
  input: UserMessageInput & { caption?: string; fileName: string; mimeType?: string; bytes: Buffer },
): Update {
  const file = state.storeFile(
    input.bytes,
    'documents',
    input.fileName,
    input.mimeType ?? 'application/octet-stream',
  );
  return postUserMessage(state, input, { document: documentObject(file), ...withCaption(input.caption) }, [
    file.fileId,
  ]);
}

/** A voice note: OGG/Opus bytes, as Telegram's apps record them. */
export function userSendsVoice(
  state: FakeTelegramState,
  input: UserMessageInput & { bytes: Buffer; durationSeconds?: number; mimeType?: string },
): Update {
  const file = state.storeFile(input.bytes, 'voice', undefined, input.mimeType ?? 'audio/ogg');
  return postUserMessage(state, input, { voice: voiceObject(file, input.durationSeconds ?? 1) }, [
    file.fileId,
  ]);
}

/** Telegram's bounds on callback_data, which a modified client can still fill with anything. */
const CALLBACK_DATA_MAX_BYTES = 64;

/**
 * A press on a button of a bot message. `forged`: a modified client asks with callback data that no
 * button carries (or carried); the message must still exist, and the data fit Telegram's 1–64 bytes.
 */
export function userPressesButton(
  state: FakeTelegramState,
  input: UserMessageInput & { messageId: number; data: string; forged?: boolean },
): Update {
  const chatId = input.chatId ?? input.userId;
  const stored = state.liveMessage(chatId, input.messageId);
  if (!stored?.bot)
    throw new Error(`chat ${chatId} has no bot message ${input.messageId} to press a button on`);
  const bytes = Buffer.byteLength(input.data);
  if (bytes === 0 || bytes > CALLBACK_DATA_MAX_BYTES)
    throw new Error(`callback_data is 1-${CALLBACK_DATA_MAX_BYTES} bytes, got ${bytes}`);
  if (!input.forged && !findCallbackButton(stored.bot.replyMarkup, input.data)) {
    const available = (stored.bot.replyMarkup?.inline_keyboard.flat() ?? [])
      .map((button) => JSON.stringify(button.callback_data))
      .join(', ');
    throw new Error(
      `message ${input.messageId} in chat ${chatId} has no button with callback_data ${JSON.stringify(input.data)}` +
        ` (buttons: ${available || 'none'})`,
    );
  }
  const firstName = input.firstName ?? state.chats.get(chatId)?.firstName ?? `User${input.userId}`;
  const id = state.newCallbackQueryId();
  state.callbackQueries.set(id, { answered: false });
  return state.enqueue({
    callback_query: {
      id,
      from: userObject(input.userId, firstName),
      message: stored.telegram,
      chat_instance: String(BigInt(chatId) * 7919n + 104729n),
      data: input.data,
    },
  });
}
