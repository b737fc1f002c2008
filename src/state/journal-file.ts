import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { writeFileAtomic } from '../sessions/atomic.ts';

interface Pending {
  text: string;
  onDurable: () => void;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface AppendLogOptions {
  /** Bytes of the file known to be whole lines; anything after them is overwritten by the next write. */
  cleanLength: number;
  /**
   * Asked after every flush, inside the writer: new content to replace the whole file with, or
   * nothing. No write runs while it is asked or while the replacement is written.
   */
  compaction: (size: number) => string | undefined;
  onCompactionFailed: (error: unknown) => void;
}

/**
 * An append-only file with group commit: the texts appended while a write is on its way go out
 * together in the next write and share its fdatasync. Writes are positional, so a write that
 * failed half-way (a full disk) is cut off again before the next one rather than left in the middle.
 */
export class AppendLog {
  private readonly pending: Pending[] = [];
  private writing: Promise<void> | undefined;
  private dirty: boolean;
  /** The file was replaced but could not be opened again yet: the handle is the old file's. */
  private stale = false;

  private constructor(
    private readonly filePath: string,
    private handle: FileHandle,
    private length: number,
    fileSize: number,
    private readonly options: AppendLogOptions,
  ) {
    this.dirty = fileSize !== length;
  }

  /** Opens (creating it, mode 0600) the file for appending after its first `cleanLength` bytes. */
  static async open(filePath: string, options: AppendLogOptions): Promise<AppendLog> {
    const handle = await open(filePath, constants.O_RDWR | constants.O_CREAT, 0o600);
    try {
      const { size } = await handle.stat();
      return new AppendLog(filePath, handle, Math.min(options.cleanLength, size), size, options);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Bytes of whole, durable lines. */
  get size(): number {
    return this.length;
  }

  /**
   * Resolves once `text` is on disk (fdatasync done). `onDurable` runs first, synchronously, before
   * any later write or compaction starts, so a compaction sees every change that is on disk.
   */
  append(text: string, onDurable: () => void = () => undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ text, onDurable, resolve, reject });
      this.writing ??= this.drain();
    });
  }

  async close(): Promise<void> {
    await this.writing;
    await this.handle.close();
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        await this.writeDurably(batch.map((item) => item.text).join(''));
      } catch (error) {
        for (const item of batch) item.reject(error);
        continue;
      }
      for (const item of batch) {
        item.onDurable();
        item.resolve();
      }
      const replacement = this.options.compaction(this.length);
      if (replacement === undefined) continue;
      try {
        await this.replaceNow(replacement);
      } catch (error) {
        this.options.onCompactionFailed(error);
      }
    }
    this.writing = undefined;
  }

  private async writeDurably(text: string): Promise<void> {
    if (text === '') return;
    if (this.stale) await this.reopen();
    const bytes = Buffer.from(text, 'utf8');
    if (this.dirty) {
      await this.handle.truncate(this.length);
      this.dirty = false;
    }
    try {
      for (let offset = 0; offset < bytes.length; ) {
        const { bytesWritten } = await this.handle.write(
          bytes,
          offset,
          bytes.length - offset,
          this.length + offset,
        );
        offset += bytesWritten;
      }
      await this.handle.datasync();
    } catch (error) {
      this.dirty = true;
      throw error;
    }
    this.length += bytes.length;
  }

  private async replaceNow(text: string): Promise<void> {
    await writeFileAtomic(this.filePath, text);
    // The old handle points at the replaced file: from now on, write through a new one.
    this.stale = true;
    this.length = Buffer.byteLength(text);
    this.dirty = false;
    await this.reopen();
  }

  private async reopen(): Promise<void> {
    const handle = await open(this.filePath, constants.O_RDWR);
    const old = this.handle;
    this.handle = handle;
    this.stale = false;
    await old.close().catch(() => undefined);
  }
}
