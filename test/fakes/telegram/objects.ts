// Builds the Telegram Message objects the Bot API returns for the bot's messages.
import type { MessageEntity } from './html.ts';
import type { BotMessage, ChatInfo, FakeTelegramState, StoredFile, StoredMessage } from './state.ts';

/** The width and height in a JPEG's start-of-frame segment, if it has one. */
function jpegSize(bytes: Buffer): { width: number; height: number } | undefined {
  let offset = 2;
  while (offset + 9 < bytes.length && bytes[offset] === 0xff) {
    const marker = bytes[offset + 1] ?? 0;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame) return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    offset += 2 + bytes.readUInt16BE(offset + 2);
  }
  return undefined;
}

export function imageSize(bytes: Buffer): { width: number; height: number } {
  const isPng = bytes.length >= 24 && bytes.toString('latin1', 1, 4) === 'PNG';
  if (isPng) return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  const isJpeg = bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8;
  return (isJpeg ? jpegSize(bytes) : undefined) ?? { width: 800, height: 600 };
}

/**
 * Telegram's PhotoSize list, smallest first. A size stored with the original's own bytes (the test
 * gave no smaller rendition) claims a 90-pixel thumbnail's dimensions.
 */
export function photoSizes(state: FakeTelegramState, fileIds: string[]): Array<Record<string, unknown>> {
  const original = state.files.get(fileIds.at(-1) ?? '');
  return fileIds.flatMap((fileId) => {
    const file = state.files.get(fileId);
    if (!file) return [];
    const full = imageSize(file.bytes);
    const standIn = file !== original && original !== undefined && file.bytes.equals(original.bytes);
    const scale = standIn ? Math.min(1, 90 / Math.max(full.width, full.height, 1)) : 1;
    return [
      {
        file_id: file.fileId,
        file_unique_id: file.fileUniqueId,
        file_size: file.bytes.length,
        width: Math.max(1, Math.round(full.width * scale)),
        height: Math.max(1, Math.round(full.height * scale)),
      },
    ];
  });
}

export function documentObject(file: StoredFile): Record<string, unknown> {
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    file_name: file.fileName,
    mime_type: file.mimeType,
    file_size: file.bytes.length,
  };
}

export function voiceObject(file: StoredFile, durationSeconds: number): Record<string, unknown> {
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    duration: durationSeconds,
    mime_type: file.mimeType,
    file_size: file.bytes.length,
  };
}

function withText(
  target: Record<string, unknown>,
  key: 'text' | 'caption',
  text: string,
  entities: MessageEntity[],
) {
  if (text === '' && key === 'caption') return;
  target[key] = text;
  if (entities.length > 0) target[key === 'text' ? 'entities' : 'caption_entities'] = entities;
}

export function renderBotMessage(
  state: FakeTelegramState,
  chat: ChatInfo,
  stored: StoredMessage,
): StoredMessage {
  const bot = stored.bot as BotMessage;
  const message: Record<string, unknown> = {
    message_id: bot.messageId,
    from: state.botUser(),
    chat: state.chatObject(chat),
    date: Math.floor(bot.sentAt / 1000),
  };
  if (bot.edits > 0) message.edit_date = state.unixNow();
  const replyTo = stored.telegram.reply_to_message;
  if (replyTo) message.reply_to_message = replyTo;
  const [firstFile] = stored.fileIds;
  const document = firstFile ? state.files.get(firstFile) : undefined;
  if (bot.document && document) {
    message.document = documentObject(document);
    withText(message, 'caption', bot.text, bot.entities);
  } else if (bot.photo) {
    message.photo = photoSizes(state, stored.fileIds);
    withText(message, 'caption', bot.text, bot.entities);
  } else {
    withText(message, 'text', bot.text, bot.entities);
  }
  if (bot.replyMarkup) message.reply_markup = bot.replyMarkup;
  stored.telegram = message as StoredMessage['telegram'];
  return stored;
}

export function snapshot(message: BotMessage): BotMessage {
  return { ...message, entities: message.entities.map((entity) => ({ ...entity })) };
}
