// The small methods: identity, chat actions, drafts, commands, reactions, callback answers, webhook.
import { z } from 'zod';
import { ApiError, badRequest, type MethodContext, requireChat, validate } from './context.ts';
import { formatted, formattedFields } from './messages.ts';
import { boolParam, intParam, jsonParam, stringParam } from './params.ts';

export function getMe(ctx: MethodContext): unknown {
  return {
    ...ctx.state.botUser(),
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  };
}

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

export function sendChatAction(ctx: MethodContext): unknown {
  const chat = requireChat(ctx);
  const { action } = validate(z.looseObject({ action: stringParam }), ctx.params);
  if (!CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
  ctx.state.chatActions.push({ chatId: chat.id, action, at: ctx.state.now() });
  return true;
}

const draftParams = z.looseObject({ draft_id: intParam, text: stringParam.optional(), ...formattedFields });

/** Bot API 9.3+: an ephemeral preview in a private chat; an empty text shows "Thinking…". */
export function sendMessageDraft(ctx: MethodContext): unknown {
  const chat = requireChat(ctx);
  const params = validate(draftParams, ctx.params);
  if (chat.type !== 'private') throw badRequest('TEXTDRAFT_PEER_INVALID');
  if (params.draft_id === 0) throw badRequest('draft_id must be non-zero');
  const text = formatted(params.text, params.parse_mode, params.entities, 'draft');
  ctx.state.drafts.push({
    chatId: chat.id,
    draftId: params.draft_id,
    text: text.text,
    entities: text.entities,
    at: ctx.state.now(),
  });
  return true;
}

const commandsParams = z.looseObject({
  commands: jsonParam(z.array(z.looseObject({ command: z.string(), description: z.string() })).max(100)),
});

export function setMyCommands(ctx: MethodContext): unknown {
  const { commands } = validate(commandsParams, ctx.params);
  for (const { command, description } of commands) {
    if (!/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest('BOT_COMMAND_INVALID');
    const length = description.trim().length;
    if (length < 1 || length > 256) throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
  }
  ctx.state.commands = commands.map(({ command, description }) => ({ command, description }));
  return true;
}

export function getMyCommands(ctx: MethodContext): unknown {
  return ctx.state.commands;
}

const reactionParams = z.looseObject({
  message_id: intParam,
  reaction: jsonParam(z.array(z.looseObject({ type: z.string() }))).optional(),
});

export function setMessageReaction(ctx: MethodContext): unknown {
  const chat = requireChat(ctx);
  const { message_id, reaction } = validate(reactionParams, ctx.params);
  if (!ctx.state.liveMessage(chat.id, message_id)) throw badRequest('MESSAGE_ID_INVALID');
  ctx.state.reactions.push({ chatId: chat.id, messageId: message_id, reaction: reaction ?? [] });
  return true;
}

const answerParams = z.looseObject({
  callback_query_id: stringParam,
  text: stringParam.optional(),
  show_alert: boolParam.optional(),
});

export function answerCallbackQuery(ctx: MethodContext): unknown {
  const params = validate(answerParams, ctx.params);
  const query = ctx.state.callbackQueries.get(params.callback_query_id);
  if (!query || query.answered) {
    throw badRequest('query is too old and response timeout expired or query ID is invalid');
  }
  if (params.text !== undefined && params.text.length > 200) throw badRequest('MESSAGE_TOO_LONG');
  query.answered = true;
  ctx.state.callbackAnswers.push({
    callbackQueryId: params.callback_query_id,
    ...(params.text !== undefined ? { text: params.text } : {}),
    ...(params.show_alert !== undefined ? { showAlert: params.show_alert } : {}),
  });
  return true;
}

export function deleteWebhook(ctx: MethodContext): unknown {
  if (boolParam.optional().safeParse(ctx.params.drop_pending_updates).data === true) {
    ctx.state.dropAllUpdates();
  }
  return true;
}

export function getWebhookInfo(ctx: MethodContext): unknown {
  return { url: '', has_custom_certificate: false, pending_update_count: ctx.state.pendingUpdates() };
}

export function methodNotFound(): never {
  throw new ApiError(404, 'Not Found: method not found');
}
