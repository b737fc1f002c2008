import { open } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import {
  type InboundJournal,
  type InboundUpdate,
  JOURNAL_FILE,
  InboundJournal as Journal,
  type OpenOutcome,
} from '../../src/state/journal.ts';

export const silent = pino({ level: 'silent' });

/** A private-chat text message update as Telegram sends it. */
export function message(updateId: number, chatId = 42, text = `message ${updateId}`): InboundUpdate {
  return {
    updateId,
    chatId,
    update: {
      update_id: updateId,
      message: { message_id: updateId, date: 1_700_000_000, chat: { id: chatId, type: 'private' }, text },
    },
  };
}

export function journalPath(dataDir: string): string {
  return path.join(dataDir, JOURNAL_FILE);
}

const openJournals: InboundJournal[] = [];

/** Closes every journal `openJournal` opened (call in afterEach). */
export async function closeJournals(): Promise<void> {
  await Promise.allSettled(openJournals.splice(0).map((journal) => journal.close()));
}

/** Opens the journal under `dataDir`, or fails the test; `closeJournals` closes it. */
export async function openJournal(
  dataDir: string,
  options: { compactAboveBytes?: number; rememberDone?: number } = {},
): Promise<Extract<OpenOutcome, { ok: true }>> {
  const opened = await Journal.open({ dataDir, logger: silent, now: () => new Date(), ...options });
  if (!opened.ok) throw new Error(`journal did not open: ${opened.detail}`);
  openJournals.push(opened.journal);
  return opened;
}

export async function recordOk(journal: InboundJournal, updates: InboundUpdate[]): Promise<number[]> {
  const outcome = await journal.record(updates);
  if (!outcome.ok) throw new Error(`record failed: ${outcome.detail}`);
  return outcome.fresh;
}

/** The FileHandle class (node does not export it): its prototype is what tests spy on. */
export async function fileHandlePrototype(dir: string): Promise<{
  datasync: () => Promise<void>;
  write: (...args: unknown[]) => Promise<{ bytesWritten: number }>;
}> {
  const handle = await open(path.join(dir, '.probe'), 'w');
  await handle.close();
  return Object.getPrototypeOf(handle);
}
