import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../logging.ts';
import { writeFileAtomic } from '../sessions/atomic.ts';
import { AppendLog } from './journal-file.ts';
import { formatRecord, type JournalProblem, type JournalRecord, parseJournal } from './journal-records.ts';
import { type JournalEntry, JournalState } from './journal-state.ts';

export type { JournalProblem } from './journal-records.ts';
export type { EntryState, JournalEntry } from './journal-state.ts';

export const JOURNAL_FILE = path.join('state', 'inbound-journal.jsonl');

/** An update as it arrived, before anything was done with it. */
export interface InboundUpdate {
  updateId: number;
  /** The chat it belongs to, when it has one (messages, button presses). */
  chatId: number | undefined;
  /** The update exactly as Telegram sent it. */
  update: { update_id: number } & Record<string, unknown>;
}

export type RecordOutcome =
  /** `fresh` are on disk now; `duplicates` were already known (replayed, handled, or twice in the batch). */
  | { ok: true; fresh: number[]; duplicates: number[] }
  /** The write failed: `fresh` are NOT on disk, nor remembered. */
  | { ok: false; fresh: number[]; duplicates: number[]; detail: string };

export type WriteOutcome = { ok: true } | { ok: false; detail: string };

/** What the journal held at start that was never finished. */
export interface Recovery {
  /** Never handed to Claude, or handed over with no tool asked for: safe to handle again, in this order. */
  replay: JournalEntry[];
  /** Cut off while its turn was using tools: running it again could repeat them. The owner decides. */
  interrupted: JournalEntry[];
}

export type OpenOutcome =
  | { ok: true; journal: InboundJournal; problems: JournalProblem[] }
  /** The journal cannot be read or written (no permission, read-only or full disk). */
  | { ok: false; detail: string };

export interface JournalOptions {
  dataDir: string;
  logger: Logger;
  now: () => Date;
  /** Compact once the file grows past this (default 256 KiB). */
  compactAboveBytes?: number;
  /** How many finished update ids are remembered to drop a redelivery (default 1000). */
  rememberDone?: number;
}

/** Temporary files of a compaction the process died in the middle of: the journal itself is whole. */
async function removeLeftoverTempFiles(filePath: string): Promise<void> {
  const prefix = `.${path.basename(filePath)}.`;
  const dir = path.dirname(filePath);
  for (const name of await readdir(dir))
    if (name.startsWith(prefix) && name.endsWith('.tmp'))
      await unlink(path.join(dir, name)).catch(() => undefined);
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The durable inbound journal (`DATA_DIR/state/inbound-journal.jsonl`): every update is recorded,
 * fsynced, before the offset that confirms it goes to Telegram, and marked done once handled, so a
 * crash at any moment loses nothing and answers nothing twice. Appends are grouped: everything
 * recorded or marked while a write is on its way shares the next write and its fdatasync.
 */
export class InboundJournal {
  private constructor(
    private readonly log: AppendLog,
    private readonly state: JournalState,
    private readonly recoveryAtOpen: Recovery,
    private readonly options: JournalOptions,
  ) {}

  /** Reads the journal (damaged lines are reported and skipped) and opens it for appending. */
  static async open(options: JournalOptions): Promise<OpenOutcome> {
    const filePath = path.join(options.dataDir, JOURNAL_FILE);
    const logger = options.logger.child({ component: 'journal' });
    try {
      await mkdir(path.dirname(filePath), { recursive: true, mode: 0o700 });
      await removeLeftoverTempFiles(filePath);
      const text = await readFile(filePath, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return '';
        throw error;
      });
      const parsed = parseJournal(text);
      const state = new JournalState(options.rememberDone ?? 1_000);
      for (const record of parsed.records) state.apply(record);
      for (const problem of parsed.problems)
        logger.warn({ problem }, 'inbound journal: a damaged line was skipped');
      let cleanLength = parsed.cleanLength;
      // Damaged lines are rewritten away once, so the next start does not report them again.
      if (parsed.problems.some((problem) => problem.kind !== 'truncated')) {
        const compacted = state.compacted().map(formatRecord).join('');
        await writeFileAtomic(filePath, compacted);
        cleanLength = Buffer.byteLength(compacted);
      }
      const unfinished = state.unfinished();
      const recovery: Recovery = {
        replay: unfinished.filter((entry) => entry.state !== 'tools'),
        interrupted: unfinished.filter((entry) => entry.state === 'tools'),
      };
      const threshold = options.compactAboveBytes ?? 256 * 1024;
      let compactedSize = cleanLength;
      const log = await AppendLog.open(filePath, {
        cleanLength,
        // Past twice the last compacted size too: many unfinished entries must not compact every write.
        compaction: (size) => {
          if (size <= Math.max(threshold, 2 * compactedSize)) return undefined;
          const compacted = state.compacted().map(formatRecord).join('');
          compactedSize = Buffer.byteLength(compacted);
          logger.debug({ from: size, to: compactedSize }, 'inbound journal compacted');
          return compacted;
        },
        onCompactionFailed: (error) =>
          logger.warn({ err: error }, 'inbound journal: compaction failed; still appending'),
      });
      return {
        ok: true,
        journal: new InboundJournal(log, state, recovery, { ...options, logger }),
        problems: parsed.problems,
      };
    } catch (error) {
      logger.error({ err: error, filePath }, 'inbound journal unavailable');
      return { ok: false, detail: errorText(error) };
    }
  }

  /** What was unfinished when the journal was opened. Entries stay unfinished until marked. */
  recovery(): Recovery {
    return this.recoveryAtOpen;
  }

  /** Whether the update is unfinished or was finished recently: a redelivery of it must be dropped. */
  isKnown(updateId: number): boolean {
    return this.state.isKnown(updateId);
  }

  /** Records a batch of updates with one write and one fdatasync; the known ones are left out. */
  async record(updates: readonly InboundUpdate[]): Promise<RecordOutcome> {
    const fresh: InboundUpdate[] = [];
    const duplicates: number[] = [];
    const inBatch = new Set<number>();
    for (const update of updates) {
      if (this.state.isKnown(update.updateId) || inBatch.has(update.updateId))
        duplicates.push(update.updateId);
      else fresh.push(update);
      inBatch.add(update.updateId);
    }
    const ids = fresh.map((update) => update.updateId);
    if (fresh.length === 0) return { ok: true, fresh: ids, duplicates };
    const at = this.options.now().toISOString();
    const records = fresh.map(
      (update): JournalRecord => ({
        k: 'update',
        id: update.updateId,
        chat: update.chatId ?? null,
        at,
        update: update.update,
      }),
    );
    const written = await this.write(records);
    return written.ok
      ? { ok: true, fresh: ids, duplicates }
      : { ok: false, fresh: ids, duplicates, detail: written.detail };
  }

  /** The update was handed to a Claude session and its turn began. */
  markTurnStarted(updateId: number, session: string): Promise<WriteOutcome> {
    if (this.state.stateOf(updateId) !== 'received') return Promise.resolve({ ok: true });
    return this.write([{ k: 'turn', id: updateId, session, at: this.options.now().toISOString() }]);
  }

  /** The update's turn asked for a tool: after a crash, it is not run again without the owner. */
  markToolsUsed(updateId: number): Promise<WriteOutcome> {
    const state = this.state.stateOf(updateId);
    if (state === undefined || state === 'tools') return Promise.resolve({ ok: true });
    return this.write([{ k: 'tools', id: updateId, at: this.options.now().toISOString() }]);
  }

  /** Handled: answered, refused with a reply, its turn finished, or the owner told it was cut off. */
  markDone(updateId: number): Promise<WriteOutcome> {
    if (this.state.stateOf(updateId) === undefined) {
      // Never on disk (its record failed): remembered, so a redelivery is still dropped.
      this.state.apply({ k: 'seen', ids: [updateId] });
      return Promise.resolve({ ok: true });
    }
    return this.write([{ k: 'done', id: updateId, at: this.options.now().toISOString() }]);
  }

  /** Unfinished entries now, in update order (which is the order per chat too). */
  unfinished(): JournalEntry[] {
    return this.state.unfinished();
  }

  /** Bytes of the journal file. */
  get size(): number {
    return this.log.size;
  }

  /** Waits for writes on their way, then closes the file. */
  close(): Promise<void> {
    return this.log.close();
  }

  private async write(records: JournalRecord[]): Promise<WriteOutcome> {
    try {
      await this.log.append(records.map(formatRecord).join(''), () => {
        for (const record of records) this.state.apply(record);
      });
      return { ok: true };
    } catch (error) {
      this.options.logger.error(
        {
          err: error,
          records: records.map((record) => ({ k: record.k, id: 'id' in record ? record.id : -1 })),
        },
        'inbound journal: write failed',
      );
      return { ok: false, detail: errorText(error) };
    }
  }
}
