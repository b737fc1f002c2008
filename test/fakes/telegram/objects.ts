// Builds the Telegram Message objects the Bot API returns for the bot's messages.
import type { MessageEntity } from './html.ts';
import type { BotMessage, ChatInfo, FakeTelegramState, StoredFile, StoredMessage } from './state.ts';

export function imageSize(bytes: Buffer): { width: number; height: number } {
  const isPng = bytes.length >= 24 && bytes.toString('latin1', 1, 4) === 'PNG';
  if (isPng) return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  return { width: 800, height: 600 };
}

export function photoSizes(state: FakeTelegramState, fileIds: string[]): Array<Record<string, unknown>> {
  return fileIds.flatMap((fileId, index) => {
    const file = state.files.get(fileId);
    if (!file) return [];
    const full = imageSize(file.bytes);
    const scale = index === fileIds.length - 1 ? 1 : Math.min(1, 90 / Math.max(full.width, full.height, 1));
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
