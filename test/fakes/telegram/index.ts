// The fake Telegram Bot API for end-to-end tests: start it, point grammY's apiRoot at it, play the
// user with sendText/pressButton, and read what the bot did with nextMessage/waitForMessage.
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../../src/logging.ts';
import { type FaultKind, FaultPlan } from './faults.ts';
import { type RateLimitConfig, RateLimiter, resolveRateLimits } from './limits.ts';
import { type MessageMatch, nextMessage, visibleMessages, waitForMessage } from './reader.ts';
import { createFakeTelegramServer } from './server.ts';
import { type BotMessage, type CallRecord, type Draft, FakeTelegramState, type Update } from './state.ts';
import {
  type PhotoInput,
  userPressesButton,
  userSendsAlbum,
  userSendsDocument,
  userSendsPhoto,
  userSendsText,
  userSendsVoice,
} from './user.ts';
import {
  type DiceEmoji,
  type OtherContent,
  userEditsText,
  userForwardsText,
  userSendsOther,
} from './user-more.ts';

export { checkTelegramHtml } from './check.ts';
export type { EntityType, HtmlParseResult, MessageEntity } from './html.ts';
export { parseTelegramHtml } from './html.ts';
export type { BucketConfig, RateLimitConfig } from './limits.ts';
export { DEFAULT_RATE_LIMITS } from './limits.ts';
export { tinyOggOpus } from './media.ts';
export type { MessageMatch } from './reader.ts';
export type { BotMessage, CallRecord, Draft, Update } from './state.ts';
export type { DiceEmoji, FaultKind, OtherContent, PhotoInput };

export interface FakeTelegramOptions {
  token?: string;
  rateLimits?: false | Partial<RateLimitConfig>;
  botUsername?: string;
  /** Milliseconds since the epoch; drives message dates and the flood limits. */
  now?: () => number;
  /** How long a 'timeout' fault holds a request before destroying its socket (default 30 s). */
  timeoutFaultMs?: number;
  port?: number;
  /** getFile's cap (default 20 MB, the public server's); a self-hosted Bot API server lifts it. */
  downloadLimitBytes?: number;
  /** sendPhoto's and sendDocument's caps (default 10 MB and 50 MB); lower them to test the edge cheaply. */
  uploadLimitBytes?: Partial<{ photo: number; document: number }>;
  logger?: Logger;
  onCall?: (call: CallRecord) => void;
}

export interface FakeTelegram {
  readonly apiRoot: string;
  readonly token: string;
  readonly botId: number;
  readonly botUsername: string;
  /** `replyToMessageId`: the message (the bot's or the user's) this one replies to. */
  sendText(input: {
    userId: number;
    chatId?: number;
    text: string;
    firstName?: string;
    replyToMessageId?: number;
  }): Update;
  /** A photo; `smaller` renditions (smallest first) come before it in `message.photo`. */
  sendPhoto(input: PhotoInput & { userId: number; chatId?: number; firstName?: string }): Update;
  /** An album: one update per photo, sharing `media_group_id`; the caption is on the first. */
  sendAlbum(input: {
    userId: number;
    chatId?: number;
    caption?: string;
    photos: Array<Buffer | PhotoInput>;
    firstName?: string;
  }): Update[];
  /** A voice note (`message.voice`), OGG/Opus: `tinyOggOpus()` is a real one. */
  sendVoice(input: {
    userId: number;
    chatId?: number;
    bytes: Buffer;
    durationSeconds?: number;
    mimeType?: string;
    firstName?: string;
  }): Update;
  sendDocument(input: {
    userId: number;
    chatId?: number;
    caption?: string;
    fileName: string;
    mimeType?: string;
    bytes: Buffer;
    firstName?: string;
  }): Update;
  /** A sticker, poll, location, contact or dice message (`kind` says which). */
  sendOther(input: OtherContent & { userId: number; chatId?: number; firstName?: string }): Update;
  /** Text forwarded from someone else (`message.forward_origin`). */
  forwardText(input: {
    userId: number;
    chatId?: number;
    text: string;
    from: { userId: number; firstName: string } | { hiddenName: string };
    firstName?: string;
  }): Update;
  /** The user edits their own text message `messageId`: an `edited_message` update. */
  editText(input: { userId: number; chatId?: number; messageId: number; text: string }): Update;
  /** `forged`: callback data no button carries, as a modified client can send (still 1–64 bytes). */
  pressButton(input: {
    userId: number;
    chatId?: number;
    messageId: number;
    data: string;
    forged?: boolean;
  }): Update;
  nextMessage(chatId: number, options?: { timeoutMs?: number }): Promise<BotMessage>;
  waitForMessage(chatId: number, match: MessageMatch, options?: { timeoutMs?: number }): Promise<BotMessage>;
  messages(chatId: number): BotMessage[];
  readonly calls: CallRecord[];
  callsTo(method: string): CallRecord[];
  callbackAnswers(): Array<{ callbackQueryId: string; text?: string; showAlert?: boolean }>;
  drafts(chatId?: number): Draft[];
  chatActions(chatId?: number): Array<{ chatId: number; action: string; at: number }>;
  reactions(chatId?: number): Array<{ chatId: number; messageId: number; reaction: unknown }>;
  commands(): Array<{ command: string; description: string }>;
  failNext(method: string, count: number, kind: FaultKind, options?: { retryAfter?: number }): void;
  /** From now on a `rate` share of all calls fails, each one of `kinds` (retry_after 1 s); 0 stops. */
  failRandomly(rate: number, kinds: FaultKind[], random?: () => number): void;
  /** Queues an update the bot already had again, same update_id (its confirming offset was lost). */
  redeliver(update: Update): void;
  pendingUpdates(): number;
  /** True while the bot holds a long poll open: it is running and waiting for updates. */
  isPolling(): boolean;
  close(): Promise<void>;
}

export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = options.token ?? '123456:TEST-token';
  const botId = Number(token.split(':')[0]);
  if (!/^\d+:[\w-]+$/.test(token) || !Number.isSafeInteger(botId)) {
    throw new Error(`a bot token looks like <digits>:<letters>, got ${JSON.stringify(token)}`);
  }
  const now = options.now ?? Date.now;
  const botUsername = options.botUsername ?? 'bridge_bot';
  const state = new FakeTelegramState({ id: botId, username: botUsername, firstName: 'Bridge' }, now);
  if (options.downloadLimitBytes !== undefined) state.downloadLimitBytes = options.downloadLimitBytes;
  Object.assign(state.uploadLimitBytes, options.uploadLimitBytes);
  const limits = resolveRateLimits(options.rateLimits);
  const faults = new FaultPlan();
  const { server, shutdown, isPolling } = createFakeTelegramServer({
    token,
    state,
    rateLimiter: limits ? new RateLimiter(limits, now) : null,
    faults,
    timeoutFaultMs: options.timeoutFaultMs ?? 30_000,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.onCall ? { onCall: options.onCall } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const byChat = <T extends { chatId: number }>(items: T[], chatId?: number): T[] =>
    items.filter((item) => chatId === undefined || item.chatId === chatId);

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    botId,
    botUsername,
    sendText: (input) => userSendsText(state, input),
    sendPhoto: (input) => userSendsPhoto(state, input),
    sendAlbum: (input) => userSendsAlbum(state, input),
    sendDocument: (input) => userSendsDocument(state, input),
    sendVoice: (input) => userSendsVoice(state, input),
    sendOther: (input) => userSendsOther(state, input),
    forwardText: (input) => userForwardsText(state, input),
    editText: (input) => userEditsText(state, input),
    pressButton: (input) => userPressesButton(state, input),
    nextMessage: (chatId, readOptions) => nextMessage(state, chatId, readOptions),
    waitForMessage: (chatId, match, readOptions) => waitForMessage(state, chatId, match, readOptions),
    messages: (chatId) => visibleMessages(state, chatId),
    calls: state.calls,
    callsTo: (method) => state.calls.filter((call) => call.method === method),
    callbackAnswers: () => [...state.callbackAnswers],
    drafts: (chatId) => byChat(state.drafts, chatId),
    chatActions: (chatId) => byChat(state.chatActions, chatId),
    reactions: (chatId) => byChat(state.reactions, chatId),
    commands: () => [...state.commands],
    failNext: (method, count, kind, faultOptions) =>
      faults.add(method, count, kind, faultOptions?.retryAfter),
    redeliver: (update) => state.redeliver(update),
    failRandomly: (rate, kinds, random) => faults.failRandomly(rate, kinds, random),
    pendingUpdates: () => state.pendingUpdates(),
    isPolling,
    close: shutdown,
  };
}
