import { Bot } from 'grammy';
import type { Update } from 'grammy/types';

/** A grammY bot that never talks to Telegram: updates are handed to it with `handleUpdate`. */
export function offlineBot(): Bot {
  return new Bot('123:TEST', {
    botInfo: {
      id: 1,
      is_bot: true,
      first_name: 'Bridge',
      username: 'bridge_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
    } as Bot['botInfo'],
  });
}

let nextUpdateId = 1;

/**
 * A private-chat text message from `userId`. A leading command is marked as Telegram marks it:
 * `/new x` is one, `/etc/hosts` is not (a command is never followed by a slash).
 */
export function textUpdate(userId: number, text: string): Update {
  const command = /^\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\p{L}\p{N}_/<>])/u.exec(text)?.[0];
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: nextUpdateId,
      date: 1_700_000_000,
      chat: { id: userId, type: 'private', first_name: 'Owner' },
      from: { id: userId, is_bot: false, first_name: 'Owner' },
      text,
      ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {}),
    },
  };
}

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
}

/**
 * Records every API call the bot makes and answers it as Telegram would, except the methods in
 * `failing`, which get that Bad Request description.
 */
export function recordCalls(bot: Bot, failing: Record<string, string> = {}): ApiCall[] {
  const calls: ApiCall[] = [];
  bot.api.config.use(async (_previous, method, payload) => {
    calls.push({ method, payload: payload as Record<string, unknown> });
    const description = failing[method];
    if (description !== undefined)
      return { ok: false, error_code: 400, description: `Bad Request: ${description}` } as never;
    const chat = (payload as { chat_id?: number }).chat_id;
    const sent = { message_id: calls.length, date: 1_700_000_000, chat: { id: chat, type: 'private' } };
    return { ok: true, result: method === 'sendMessage' ? { ...sent, text: '' } : true } as never;
  });
  return calls;
}

/** The owner presses a button with `data` on bot message `messageId`. */
export function buttonUpdate(userId: number, data: string, messageId = 1): Update {
  return {
    update_id: nextUpdateId++,
    callback_query: {
      id: String(nextUpdateId),
      from: { id: userId, is_bot: false, first_name: 'Owner' },
      chat_instance: '1',
      data,
      message: {
        message_id: messageId,
        date: 1_700_000_000,
        chat: { id: userId, type: 'private', first_name: 'Owner' },
        from: { id: 1, is_bot: true, first_name: 'Bridge' },
        text: 'Sessions:',
      },
    },
  };
}
