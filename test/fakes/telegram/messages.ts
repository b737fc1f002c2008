// sendMessage, editMessageText, editMessageReplyMarkup, deleteMessage.
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { badRequest, consumeRate, type MethodContext, requireChat, validate } from './context.ts';
import type { MessageEntity } from './html.ts';
import { checkReplyMarkup, type InlineKeyboard } from './keyboard.ts';
import { renderBotMessage } from './objects.ts';
import { boolParam, intParam, jsonParam, stringParam } from './params.ts';
import type { BotMessage, ChatInfo, StoredMessage } from './state.ts';
import { prepareText, type TextKind } from './text.ts';

const entitySchema = z.looseObject({
  type: z.string(),
  offset: z.number().int().nonnegative(),
  length: z.number().int().positive(),
  url: z.string().optional(),
  language: z.string().optional(),
  custom_emoji_id: z.string().optional(),
});

export const formattedFields = {
  parse_mode: stringParam.optional(),
  entities: jsonParam(z.array(entitySchema)).optional(),
  caption_entities: jsonParam(z.array(entitySchema)).optional(),
};

const replyParameters = jsonParam(
  z.looseObject({ message_id: z.number().int(), allow_sending_without_reply: z.boolean().optional() }),
);

/** Text or caption after parsing, or Telegram's 400. */
export function formatted(
  raw: string | undefined,
  parseMode: string | undefined,
  entities: unknown[] | undefined,
  kind: TextKind,
) {
  const outcome = prepareText(
    { text: raw, parseMode, entities: entities as MessageEntity[] | undefined },
    kind,
  );
  if (!outcome.ok) throw badRequest(outcome.description.replace(/^Bad Request: /, ''));
  return outcome;
}

export function inlineMarkup(value: unknown): InlineKeyboard | undefined {
  const markup = checkReplyMarkup(value);
  if (!markup.ok) throw badRequest(markup.description.replace(/^Bad Request: /, ''));
  return markup.inline;
}

/** The message being replied to, checked the way Telegram checks it. */
export function replyTarget(ctx: MethodContext, chat: ChatInfo): StoredMessage | undefined {
  const params = ctx.params;
  const legacy = intParam.optional().safeParse(params.reply_to_message_id);
  const parsed = replyParameters.optional().safeParse(params.reply_parameters);
  const messageId =
    parsed.success && parsed.data ? parsed.data.message_id : legacy.success ? legacy.data : undefined;
  if (messageId === undefined) return undefined;
  const target = ctx.state.liveMessage(chat.id, messageId);
  const allowWithout =
    (parsed.success && parsed.data?.allow_sending_without_reply) ||
    boolParam.safeParse(params.allow_sending_without_reply).data === true;
  if (!target && !allowWithout) throw badRequest('message to be replied not found');
  return target;
}

export function storeBotMessage(
  ctx: MethodContext,
  chat: ChatInfo,
  bot: Omit<BotMessage, 'messageId' | 'chatId' | 'edits' | 'deleted' | 'sentAt'>,
  fileIds: string[],
  replyTo: StoredMessage | undefined,
): Record<string, unknown> {
  const messageId = ctx.state.allocateMessageId(chat.id);
  const sentAt = ctx.state.now();
  const stored: StoredMessage = {
    messageId,
    chatId: chat.id,
    fromBot: true,
    date: Math.floor(sentAt / 1000),
    telegram: { message_id: messageId, chat: {}, ...(replyTo ? { reply_to_message: replyTo.telegram } : {}) },
    bot: { ...bot, messageId, chatId: chat.id, edits: 0, deleted: false, sentAt },
    fileIds,
    deleted: false,
  };
  renderBotMessage(ctx.state, chat, stored);
  ctx.state.addMessage(stored);
  return stored.telegram;
}

const sendMessageParams = z.looseObject({
  text: stringParam.optional(),
  reply_markup: z.unknown().optional(),
  ...formattedFields,
});

export function sendMessage(ctx: MethodContext): unknown {
  const chat = requireChat(ctx);
  const params = validate(sendMessageParams, ctx.params);
  const text = formatted(params.text, params.parse_mode, params.entities, 'text');
  const replyMarkup = inlineMarkup(params.reply_markup);
  const replyTo = replyTarget(ctx, chat);
  consumeRate(ctx, chat.id);
  const isHtml = params.parse_mode?.toLowerCase() === 'html' && !params.entities?.length;
  return storeBotMessage(
    ctx,
    chat,
    {
      text: text.text,
      entities: text.entities,
      ...(isHtml ? { html: params.text, parseMode: params.parse_mode } : {}),
      ...(replyMarkup ? { replyMarkup } : {}),
    },
    [],
    replyTo,
  );
}

const editTarget = z.looseObject({ message_id: intParam });

function messageToEdit(ctx: MethodContext): { chat: ChatInfo; stored: StoredMessage; bot: BotMessage } {
  if (ctx.params.inline_message_id !== undefined) throw badRequest('message to edit not found');
  const chat = requireChat(ctx);
  const { message_id } = validate(editTarget, ctx.params);
  const stored = ctx.state.liveMessage(chat.id, message_id);
  if (!stored) throw badRequest('message to edit not found');
  if (!stored.bot) throw badRequest("message can't be edited");
  return { chat, stored, bot: stored.bot };
}

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

const editTextParams = z.looseObject({
  text: stringParam.optional(),
  reply_markup: z.unknown().optional(),
  ...formattedFields,
});

export function editMessageText(ctx: MethodContext): unknown {
  const { chat, stored, bot } = messageToEdit(ctx);
  const params = validate(editTextParams, ctx.params);
  const text = formatted(params.text, params.parse_mode, params.entities, 'text');
  const replyMarkup = inlineMarkup(params.reply_markup);
  if (bot.document || bot.photo) throw badRequest('there is no text in the message to edit');
  const unchanged =
    text.text === bot.text &&
    isDeepStrictEqual(text.entities, bot.entities) &&
    isDeepStrictEqual(replyMarkup, bot.replyMarkup);
  if (unchanged) throw badRequest(NOT_MODIFIED);
  consumeRate(ctx, chat.id);
  const isHtml = params.parse_mode?.toLowerCase() === 'html' && !params.entities?.length;
  bot.text = text.text;
  bot.entities = text.entities;
  bot.html = isHtml ? params.text : undefined;
  bot.parseMode = isHtml ? params.parse_mode : undefined;
  bot.replyMarkup = replyMarkup;
  bot.edits++;
  renderBotMessage(ctx.state, chat, stored);
  ctx.state.notifyMessages();
  return stored.telegram;
}

export function editMessageReplyMarkup(ctx: MethodContext): unknown {
  const { chat, stored, bot } = messageToEdit(ctx);
  const replyMarkup = inlineMarkup(ctx.params.reply_markup);
  if (isDeepStrictEqual(replyMarkup, bot.replyMarkup)) throw badRequest(NOT_MODIFIED);
  consumeRate(ctx, chat.id);
  bot.replyMarkup = replyMarkup;
  bot.edits++;
  renderBotMessage(ctx.state, chat, stored);
  ctx.state.notifyMessages();
  return stored.telegram;
}

export function deleteMessage(ctx: MethodContext): unknown {
  const chat = requireChat(ctx);
  const { message_id } = validate(z.looseObject({ message_id: intParam }), ctx.params);
  const stored = ctx.state.liveMessage(chat.id, message_id);
  if (!stored) throw badRequest('message to delete not found');
  consumeRate(ctx, chat.id);
  stored.deleted = true;
  if (stored.bot) stored.bot.deleted = true;
  ctx.state.notifyMessages();
  return true;
}
