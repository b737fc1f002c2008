// What the test reads: each chat has a cursor over the bot's messages; waiting resolves on the first
// message after it (or the first whose current text matches) and moves the cursor past it.
import { snapshot } from './objects.ts';
import type { BotMessage, FakeTelegramState } from './state.ts';

export type MessageMatch = string | RegExp | ((message: BotMessage) => boolean);

const DEFAULT_TIMEOUT_MS = 10_000;

function matches(match: MessageMatch, message: BotMessage): boolean {
  if (typeof match === 'string') return message.text.includes(match);
  if (match instanceof RegExp) return match.test(message.text);
  return match(message);
}

function describeMatch(match: MessageMatch): string {
  if (typeof match === 'string') return JSON.stringify(match);
  if (match instanceof RegExp) return String(match);
  return 'a predicate';
}

export function describeChat(state: FakeTelegramState, chatId: number): string {
  const messages = state.botMessages(chatId);
  if (messages.length === 0) return '  (the bot has sent nothing to this chat)';
  const cursor = state.cursor(chatId);
  return messages
    .map((message, index) => {
      const flags = [
        index === cursor ? '<- cursor' : '',
        message.edits > 0 ? `edited ${message.edits}x` : '',
        message.deleted ? 'deleted' : '',
        message.document ? `document ${message.document.fileName}` : '',
        message.photo ? 'photo' : '',
      ]
        .filter(Boolean)
        .join(', ');
      return `  #${message.messageId} ${JSON.stringify(message.text)}${flags ? ` [${flags}]` : ''}`;
    })
    .join('\n');
}

function waitFor(
  state: FakeTelegramState,
  chatId: number,
  pick: (messages: BotMessage[], cursor: number) => number,
  timeoutMs: number,
  what: string,
): Promise<BotMessage> {
  return new Promise((resolve, reject) => {
    const attempt = (): boolean => {
      const index = pick(state.botMessages(chatId), state.cursor(chatId));
      if (index < 0) return false;
      const message = state.botMessages(chatId)[index] as BotMessage;
      state.setCursor(chatId, index + 1);
      resolve(snapshot(message));
      return true;
    };
    if (attempt()) return;
    const timer = setTimeout(() => {
      unsubscribe();
      reject(
        new Error(
          `${what} timed out after ${timeoutMs} ms. Bot messages in chat ${chatId}:\n${describeChat(state, chatId)}`,
        ),
      );
    }, timeoutMs);
    const unsubscribe = state.onMessagesChanged(() => {
      if (attempt()) {
        clearTimeout(timer);
        unsubscribe();
      }
    });
  });
}

export function nextMessage(
  state: FakeTelegramState,
  chatId: number,
  options: { timeoutMs?: number } = {},
): Promise<BotMessage> {
  return waitFor(
    state,
    chatId,
    (messages, cursor) => (cursor < messages.length ? cursor : -1),
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    `nextMessage(${chatId})`,
  );
}

export function waitForMessage(
  state: FakeTelegramState,
  chatId: number,
  match: MessageMatch,
  options: { timeoutMs?: number } = {},
): Promise<BotMessage> {
  return waitFor(
    state,
    chatId,
    (messages, cursor) =>
      messages.findIndex((message, index) => index >= cursor && !message.deleted && matches(match, message)),
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    `waitForMessage(${chatId}, ${describeMatch(match)})`,
  );
}

export function visibleMessages(state: FakeTelegramState, chatId: number): BotMessage[] {
  return state
    .botMessages(chatId)
    .filter((message) => !message.deleted)
    .map(snapshot);
}
