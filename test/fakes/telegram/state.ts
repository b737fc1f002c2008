// Everything the fake remembers: chats the users opened, messages on both sides, the update queue,
// files and callback queries. Telegram-shaped objects are built here so both sides agree on them.
import type { MessageEntity } from './html.ts';
import type { InlineKeyboard } from './keyboard.ts';

export interface ChatInfo {
  id: number;
  type: 'private' | 'group';
  firstName: string;
  title?: string;
}

/** Where the Bot API server keeps a file, by kind; the folder names are the public server's. */
export type FileFolder = 'documents' | 'photos' | 'voice' | 'stickers';

const DEFAULT_EXTENSION: Record<FileFolder, string> = {
  documents: '',
  photos: '.jpg',
  voice: '.oga',
  stickers: '.webp',
};

export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  filePath: string;
  bytes: Buffer;
  fileName?: string;
  mimeType?: string;
}

export interface BotMessage {
  messageId: number;
  chatId: number;
  /** Plain text after entity parsing; for documents and photos the caption. */
  text: string;
  /** The raw text as sent when parse_mode was HTML. */
  html?: string;
  parseMode?: string;
  entities: MessageEntity[];
  replyMarkup?: InlineKeyboard;
  document?: { fileName: string; bytes: Buffer; mimeType?: string };
  photo?: { bytes: Buffer; fileName: string };
  edits: number;
  deleted: boolean;
  sentAt: number;
}

export interface StoredMessage {
  messageId: number;
  chatId: number;
  fromBot: boolean;
  userId?: number;
  date: number;
  /** Telegram's Message object as last sent to or returned from the Bot API. */
  telegram: TelegramMessage;
  /** Only for the bot's own messages. */
  bot?: BotMessage;
  fileIds: string[];
  deleted: boolean;
}

export type TelegramMessage = Record<string, unknown> & { message_id: number; chat: Record<string, unknown> };
export type Update = Record<string, unknown> & { update_id: number };

export interface CallRecord {
  method: string;
  params: Record<string, unknown>;
  /** Clock time (ms) when the request arrived, before its body was read; a held long poll keeps its arrival time. */
  at: number;
  /**
   * The same instant on the machine's monotonic clock (`process.hrtime`, in ms with µs precision):
   * comparable across processes on this machine, for latency measurements finer than `at`.
   */
  monotonicAt: number;
  status: number;
  description?: string;
}

export interface Draft {
  chatId: number;
  draftId: number;
  text: string;
  entities: MessageEntity[];
  at: number;
}

interface ChatLog {
  nextMessageId: number;
  messages: StoredMessage[];
  /** Index into the bot's messages of this chat: what the test has already read. */
  cursor: number;
}

const DEFAULT_UPDATE_TYPES_EXCLUDED = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

export class FakeTelegramState {
  readonly chats = new Map<number, ChatInfo>();
  readonly files = new Map<string, StoredFile>();
  readonly callbackQueries = new Map<string, { answered: boolean }>();
  readonly callbackAnswers: Array<{ callbackQueryId: string; text?: string; showAlert?: boolean }> = [];
  readonly drafts: Draft[] = [];
  readonly chatActions: Array<{ chatId: number; action: string; at: number }> = [];
  readonly reactions: Array<{ chatId: number; messageId: number; reaction: unknown }> = [];
  readonly calls: CallRecord[] = [];
  commands: Array<{ command: string; description: string }> = [];
  /** getFile refuses bigger files: 20 MB on the public server, lifted by a self-hosted one. */
  downloadLimitBytes = 20 * 1024 * 1024;
  /** Multipart uploads: 10 MB for a photo, 50 MB for anything else (the Bot API's documented caps). */
  uploadLimitBytes = { photo: 10 * 1024 * 1024, document: 50 * 1024 * 1024 };
  allowedUpdates: string[] = [];

  private readonly logs = new Map<number, ChatLog>();
  private updates: Update[] = [];
  private nextUpdateId = 100_000_001;
  private nextFileNumber = 1;
  private nextCallbackNumber = 1;
  private nextMediaGroupNumber = 1;
  private readonly updateListeners = new Set<() => void>();
  private readonly messageListeners = new Set<() => void>();

  constructor(
    readonly bot: { id: number; username: string; firstName: string },
    readonly now: () => number,
  ) {}

  botUser(): Record<string, unknown> {
    return { id: this.bot.id, is_bot: true, first_name: this.bot.firstName, username: this.bot.username };
  }

  unixNow(): number {
    return Math.floor(this.now() / 1000);
  }

  // ---- chats and messages ------------------------------------------------------------------

  openChat(chatId: number, userId: number, firstName: string): ChatInfo {
    let chat = this.chats.get(chatId);
    if (!chat) {
      chat =
        chatId < 0
          ? { id: chatId, type: 'group', firstName, title: `Group ${-chatId}` }
          : { id: chatId, type: 'private', firstName };
      if (chatId > 0 && chatId !== userId) {
        throw new Error(
          `a private chat's id is the user's id: chat ${chatId} cannot belong to user ${userId}`,
        );
      }
      this.chats.set(chatId, chat);
    }
    return chat;
  }

  chatObject(chat: ChatInfo): Record<string, unknown> {
    return chat.type === 'private'
      ? { id: chat.id, first_name: chat.firstName, type: 'private' }
      : { id: chat.id, title: chat.title, type: 'group' };
  }

  private log(chatId: number): ChatLog {
    let log = this.logs.get(chatId);
    if (!log) {
      log = { nextMessageId: 1, messages: [], cursor: 0 };
      this.logs.set(chatId, log);
    }
    return log;
  }

  allocateMessageId(chatId: number): number {
    const log = this.log(chatId);
    return log.nextMessageId++;
  }

  addMessage(message: StoredMessage): void {
    this.log(message.chatId).messages.push(message);
    if (message.fromBot) this.notifyMessages();
  }

  findMessage(chatId: number, messageId: number): StoredMessage | undefined {
    return this.logs.get(chatId)?.messages.find((message) => message.messageId === messageId);
  }

  liveMessage(chatId: number, messageId: number): StoredMessage | undefined {
    const message = this.findMessage(chatId, messageId);
    return message && !message.deleted ? message : undefined;
  }

  botMessages(chatId: number): BotMessage[] {
    return (this.logs.get(chatId)?.messages ?? []).flatMap((message) => (message.bot ? [message.bot] : []));
  }

  cursor(chatId: number): number {
    return this.log(chatId).cursor;
  }

  setCursor(chatId: number, index: number): void {
    this.log(chatId).cursor = index;
  }

  notifyMessages(): void {
    for (const listener of [...this.messageListeners]) listener();
  }

  onMessagesChanged(listener: () => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  // ---- files -------------------------------------------------------------------------------

  storeFile(bytes: Buffer, folder: FileFolder, fileName?: string, mimeType?: string): StoredFile {
    const number = this.nextFileNumber++;
    const extension = fileName?.includes('.') ? fileName.slice(fileName.lastIndexOf('.')) : '';
    const file: StoredFile = {
      fileId: `BQACAgIAAxkBAAI${String(number).padStart(6, '0')}${this.bot.id}`,
      fileUniqueId: `AgAD${String(number).padStart(4, '0')}`,
      filePath: `${folder}/file_${number}${extension || DEFAULT_EXTENSION[folder]}`,
      bytes,
      fileName,
      mimeType,
    };
    this.files.set(file.fileId, file);
    return file;
  }

  fileByPath(path: string): StoredFile | undefined {
    return [...this.files.values()].find((file) => file.filePath === path);
  }

  newMediaGroupId(): string {
    return String(13_000_000_000_000_000n + BigInt(this.nextMediaGroupNumber++));
  }

  // ---- updates -----------------------------------------------------------------------------

  enqueue(payload: Record<string, unknown>): Update {
    const update: Update = { update_id: this.nextUpdateId++, ...payload };
    this.updates.push(update);
    for (const listener of [...this.updateListeners]) listener();
    return update;
  }

  /**
   * Queues an update the bot already had, unchanged (same update_id): what Telegram does when the
   * offset that confirmed it never arrived (the bot died first).
   */
  redeliver(update: Update): void {
    this.updates.push(structuredClone(update));
    this.updates.sort((a, b) => a.update_id - b.update_id);
    for (const listener of [...this.updateListeners]) listener();
  }

  onUpdate(listener: () => void): () => void {
    this.updateListeners.add(listener);
    return () => this.updateListeners.delete(listener);
  }

  pendingUpdates(): number {
    return this.updates.length;
  }

  /** getUpdates' offset: confirms everything before it; a negative one keeps only the last -offset. */
  confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    if (offset > 0) {
      this.updates = this.updates.filter((update) => update.update_id >= offset);
    } else {
      this.updates = this.updates.slice(offset);
    }
  }

  dropAllUpdates(): void {
    this.updates = [];
  }

  /** Drops queued updates the bot did not subscribe to, then returns up to `limit` of the rest. */
  deliverable(limit: number): Update[] {
    const allowed = this.allowedUpdates.length > 0 ? new Set(this.allowedUpdates) : null;
    this.updates = this.updates.filter((update) => {
      const kind = Object.keys(update).find((key) => key !== 'update_id') ?? '';
      return allowed ? allowed.has(kind) : !DEFAULT_UPDATE_TYPES_EXCLUDED.has(kind);
    });
    return this.updates.slice(0, limit);
  }

  // ---- callback queries --------------------------------------------------------------------

  newCallbackQueryId(): string {
    const number = this.nextCallbackNumber++;
    return `${BigInt(this.bot.id) * 1_000_000n + BigInt(number)}`;
  }
}
