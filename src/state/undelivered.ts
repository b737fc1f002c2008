import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../logging.ts';
import { readJson, writeJsonAtomic } from '../sessions/atomic.ts';
import { OUTPUT_MODES, type OutputMode } from '../sessions/session-store.ts';

/** An answer Telegram did not take, as it was to be sent. */
export interface KeptAnswer {
  session: string;
  answer: string;
  mode: OutputMode;
}

/** What one chat is still owed because Telegram did not take it (see telegram/answers.ts). */
export interface UndeliveredChat {
  chatId: number;
  /** Answers to send late, oldest first. */
  answers: KeptAnswer[];
  /** Per session, older answers let go (only counted). */
  dropped: Record<string, number>;
  /** Notices to send again as they were. */
  notices: string[];
}

const UndeliveredSchema = z.array(
  z.object({
    chatId: z.number().int(),
    answers: z.array(z.object({ session: z.string(), answer: z.string(), mode: z.enum(OUTPUT_MODES) })),
    dropped: z.record(z.string(), z.number().int().nonnegative()),
    notices: z.array(z.string()),
  }),
);

/**
 * `DATA_DIR/state/undelivered.json`: the answers and notices Telegram did not take, so a restart
 * (even a SIGKILL) before Telegram takes messages again does not lose them. Each save writes the
 * newest picture atomically; saves made while one is on its way are folded into the next write.
 */
export class UndeliveredFile {
  readonly file: string;
  private writing: Promise<void> | undefined;
  private next: UndeliveredChat[] | undefined;

  constructor(private readonly deps: { dataDir: string; logger: Logger }) {
    this.file = path.join(deps.dataDir, 'state', 'undelivered.json');
  }

  /** What an earlier run left undelivered (none when the file is missing or unreadable). */
  async read(): Promise<UndeliveredChat[]> {
    const result = await readJson(this.file, UndeliveredSchema);
    if (result.ok) return result.value;
    if (result.error === 'malformed')
      this.deps.logger.warn(
        { file: this.file, problem: result.detail },
        'undelivered.json unreadable; ignored',
      );
    return [];
  }

  /** Records `chats` as what is owed now (nothing owed: the file is removed). */
  save(chats: UndeliveredChat[]): Promise<void> {
    this.next = chats;
    this.writing ??= this.writeAll();
    return this.writing;
  }

  private async writeAll(): Promise<void> {
    try {
      while (this.next !== undefined) {
        const chats = this.next;
        this.next = undefined;
        await this.write(chats);
      }
    } finally {
      // In the same step as the loop's last check, so a save after it starts a new write.
      this.writing = undefined;
    }
  }

  private async write(chats: UndeliveredChat[]): Promise<void> {
    try {
      if (chats.length === 0) await rm(this.file, { force: true });
      else {
        await mkdir(path.dirname(this.file), { recursive: true });
        await writeJsonAtomic(this.file, chats);
      }
    } catch (error) {
      // Kept in memory still: only a restart before Telegram takes messages would lose it.
      this.deps.logger.warn({ err: error, file: this.file }, 'could not save what Telegram did not take');
    }
  }
}
