import type { JournalRecord } from './journal-records.ts';

/** `received`: not yet handed to Claude. `turn`: its turn began. `tools`: its turn asked for a tool. */
export type EntryState = 'received' | 'turn' | 'tools';

export interface JournalEntry {
  updateId: number;
  chatId: number | undefined;
  receivedAt: Date;
  /** The update exactly as Telegram sent it. */
  update: { update_id: number } & Record<string, unknown>;
  state: EntryState;
  /** The session its turn was handed to, once it was. */
  session?: string;
}

/**
 * The journal folded into memory: unfinished entries, and a bounded, oldest-first set of finished
 * ids (enough to recognise a redelivery, which only ever repeats the last unconfirmed batch).
 * Applying a record twice changes nothing, so a line written again is harmless.
 */
export class JournalState {
  private readonly open = new Map<number, JournalEntry>();
  private readonly done = new Set<number>();

  constructor(private readonly rememberDone: number) {}

  apply(record: JournalRecord): void {
    switch (record.k) {
      case 'update':
        if (this.isKnown(record.id)) return;
        this.open.set(record.id, {
          updateId: record.id,
          chatId: record.chat ?? undefined,
          receivedAt: new Date(record.at),
          update: record.update,
          state: 'received',
        });
        return;
      case 'turn': {
        const entry = this.open.get(record.id);
        if (entry?.state === 'received') Object.assign(entry, { state: 'turn', session: record.session });
        return;
      }
      case 'tools': {
        const entry = this.open.get(record.id);
        if (entry) entry.state = 'tools';
        return;
      }
      case 'done':
        this.open.delete(record.id);
        this.remember(record.id);
        return;
      case 'seen':
        for (const id of record.ids) if (!this.open.has(id)) this.remember(id);
        return;
    }
  }

  isKnown(updateId: number): boolean {
    return this.open.has(updateId) || this.done.has(updateId);
  }

  /** The entry's state, or undefined when it is finished or was never recorded. */
  stateOf(updateId: number): EntryState | undefined {
    return this.open.get(updateId)?.state;
  }

  /** Unfinished entries in update order (copies: later changes do not show in them). */
  unfinished(): JournalEntry[] {
    return [...this.open.values()].map((entry) => ({ ...entry })).sort((a, b) => a.updateId - b.updateId);
  }

  /** The fewest records that rebuild this state: the finished ids, then each unfinished entry. */
  compacted(): JournalRecord[] {
    const records: JournalRecord[] = [];
    if (this.done.size > 0) records.push({ k: 'seen', ids: [...this.done] });
    for (const entry of this.unfinished()) {
      const at = entry.receivedAt.toISOString();
      records.push({ k: 'update', id: entry.updateId, chat: entry.chatId ?? null, at, update: entry.update });
      if (entry.session !== undefined)
        records.push({ k: 'turn', id: entry.updateId, session: entry.session, at });
      if (entry.state === 'tools') records.push({ k: 'tools', id: entry.updateId, at });
    }
    return records;
  }

  private remember(updateId: number): void {
    this.done.delete(updateId);
    this.done.add(updateId);
    for (const oldest of this.done) {
      if (this.done.size <= this.rememberDone) break;
      this.done.delete(oldest);
    }
  }
}
