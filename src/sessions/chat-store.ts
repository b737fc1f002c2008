import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../logging.ts';
import { readJson, writeJsonAtomic } from './atomic.ts';
import { KeyedSerializer } from './serial.ts';

export type ChatId = number | string;

/** `DATA_DIR/state/chats.json`: each chat's active session name, keyed by chat id. */
const ChatsSchema = z.record(z.string(), z.string());

export interface ChatStoreOptions {
  dataDir: string;
  logger: Logger;
}

/**
 * The active session of each chat, as remembered in `chats.json`. The file is read once and then
 * kept in memory, and memory changes only after the file did, so what the bot acts on is always
 * what a restart would read back. A malformed file counts as no active sessions (logged).
 */
export class ChatStore {
  readonly file: string;
  private readonly logger: Logger;
  private loaded: Promise<Map<string, string>> | undefined;
  private readonly serializer = new KeyedSerializer();

  constructor(options: ChatStoreOptions) {
    this.file = path.join(options.dataDir, 'state', 'chats.json');
    this.logger = options.logger;
  }

  /** The chat's active session name, if it has one. It may name a session deleted since. */
  async activeName(chatId: ChatId): Promise<string | undefined> {
    return (await this.chats()).get(String(chatId));
  }

  /** Every chat's active session name. */
  async all(): Promise<Record<string, string>> {
    return Object.fromEntries(await this.chats());
  }

  /** Whether any chat has `name` as its active session. */
  async isActiveAnywhere(name: string): Promise<boolean> {
    return [...(await this.chats()).values()].includes(name);
  }

  /**
   * Makes `name` the chat's active session: written to disk first, then remembered. Returns the
   * chat's previous active session. If the write fails it throws and nothing has changed.
   */
  set(chatId: ChatId, name: string): Promise<string | undefined> {
    return this.serializer.run(this.file, async () => {
      const chats = await this.chats();
      const key = String(chatId);
      const previous = chats.get(key);
      const next = { ...Object.fromEntries(chats), [key]: name };
      await mkdir(path.dirname(this.file), { recursive: true });
      await writeJsonAtomic(this.file, next);
      chats.set(key, name);
      return previous;
    });
  }

  /**
   * Clears `name` as the active session of every chat that has it (the session is gone): written to
   * disk first, then forgotten. Returns those chats' ids (as stored: text). Throws if the write fails.
   */
  forget(name: string): Promise<string[]> {
    return this.serializer.run(this.file, async () => {
      const chats = await this.chats();
      const cleared = [...chats].filter(([, active]) => active === name).map(([chatId]) => chatId);
      if (cleared.length === 0) return [];
      const next = Object.fromEntries([...chats].filter(([, active]) => active !== name));
      await mkdir(path.dirname(this.file), { recursive: true });
      await writeJsonAtomic(this.file, next);
      for (const chatId of cleared) chats.delete(chatId);
      return cleared;
    });
  }

  private chats(): Promise<Map<string, string>> {
    this.loaded ??= this.read();
    return this.loaded;
  }

  private async read(): Promise<Map<string, string>> {
    const result = await readJson(this.file, ChatsSchema);
    if (result.ok) return new Map(Object.entries(result.value));
    if (result.error === 'malformed') {
      this.logger.warn(
        { file: this.file, problem: result.detail },
        'chats.json unreadable; no active sessions',
      );
    }
    return new Map();
  }
}
