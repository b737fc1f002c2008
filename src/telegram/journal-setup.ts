import type { Logger } from '../logging.ts';
import { InboundJournal } from '../state/journal.ts';
import { TelegramJournal } from './journal.ts';
import { damagedJournalNotice, JOURNAL_UNAVAILABLE_NOTICE } from './journal-text.ts';

export interface OpenedInboundJournal {
  /** Undefined when the journal cannot be used: updates are then handled from memory only. */
  journal: InboundJournal | undefined;
  telegram: TelegramJournal | undefined;
  /** What the owner must hear once the bot can speak: the journal is damaged or unavailable. */
  startNotices: string[];
}

/**
 * Opens `DATA_DIR/state/inbound-journal.jsonl` for the bot. A journal that cannot be opened or
 * written never stops the bot: messages are still answered, and the owner is told (once) that a
 * crash could lose one. `tellOwner` is called later, from the polling path, never during this call.
 */
export async function openInboundJournal(options: {
  dataDir: string;
  logger: Logger;
  now: () => Date;
  tellOwner: (text: string) => void;
}): Promise<OpenedInboundJournal> {
  const { logger } = options;
  const opened = await InboundJournal.open({ dataDir: options.dataDir, logger, now: options.now });
  if (!opened.ok)
    return { journal: undefined, telegram: undefined, startNotices: [JOURNAL_UNAVAILABLE_NOTICE] };
  let toldUnavailable = false;
  const telegram = new TelegramJournal({
    journal: opened.journal,
    logger,
    onUnjournaled: () => {
      if (toldUnavailable) return;
      toldUnavailable = true;
      options.tellOwner(JOURNAL_UNAVAILABLE_NOTICE);
    },
  });
  // A torn last line is what a crash mid-write leaves: nothing was confirmed from it, nothing to tell.
  const damaged = opened.problems.filter((problem) => problem.kind !== 'truncated').length;
  return {
    journal: opened.journal,
    telegram,
    startNotices: damaged > 0 ? [damagedJournalNotice(damaged)] : [],
  };
}
