import type { JournalEntry } from '../state/journal.ts';
import { truncateUtf16 } from './render/text.ts';

const QUOTE_LIMIT = 80;

/** What the message said, for the owner to recognise it: its text or caption, shortened. */
function quoted(entry: JournalEntry): string {
  const message = entry.update.message as { text?: unknown; caption?: unknown } | undefined;
  const text = typeof message?.text === 'string' ? message.text : message?.caption;
  return typeof text === 'string' && text.trim() !== ''
    ? ` “${truncateUtf16(text.trim().replace(/\s+/g, ' '), QUOTE_LIMIT)}”`
    : '';
}

/** A message whose turn was cut off by a restart while Claude was using tools: not re-run by itself. */
export function interruptedTurnNotice(entry: JournalEntry): string {
  const session = entry.session === undefined ? '' : ` in session '${entry.session}'`;
  return (
    `The bot restarted while Claude was using tools for your message${quoted(entry)}${session}. ` +
    'It is not sent again, as part of it may be done already: check, then send what is left.'
  );
}

/** The journal could not be written: messages are still answered, but a crash could lose them. */
export const JOURNAL_UNAVAILABLE_NOTICE =
  "Your messages can't be saved to disk right now (the bot's log says why): they are still " +
  'answered, but a crash or restart before the answer could lose one.';

/** Damaged lines in the journal were skipped at start. */
export function damagedJournalNotice(lines: number): string {
  const what = lines === 1 ? 'one damaged line' : `${lines} damaged lines`;
  return `The record of received messages had ${what}; it was skipped. If a message of yours went unanswered, please send it again.`;
}

/** The bot stops with messages still unanswered that the journal holds: the next start answers them. */
export function answeredAfterRestartNotice(unanswered: number): string {
  const which = unanswered === 1 ? 'your last message' : `your last ${unanswered} messages`;
  return `⚠️ The bot is shutting down: ${which} will be taken up again when it is back.`;
}
