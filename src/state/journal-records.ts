import { z } from 'zod';

/**
 * One line of the inbound journal (JSON lines, appended in order). An update's life is its
 * `update` line followed by state lines; compaction folds the finished ones into one `seen` line.
 */
const updateId = z.number().int();
const at = z.iso.datetime();

export const journalRecord = z.discriminatedUnion('k', [
  /** Received from Telegram, not yet handled. `update` is the update as Telegram sent it. */
  z.object({
    k: z.literal('update'),
    id: updateId,
    chat: z.number().int().nullable(),
    at,
    update: z.looseObject({ update_id: updateId }),
  }),
  /** Handed to a Claude session, whose turn has begun: a crash from here on is not a plain re-run. */
  z.object({ k: z.literal('turn'), id: updateId, session: z.string(), at }),
  /** The turn asked for a tool: running it again could repeat what it did. */
  z.object({ k: z.literal('tools'), id: updateId, at }),
  /** Handled: answered, refused with a reply, or its turn finished. */
  z.object({ k: z.literal('done'), id: updateId, at }),
  /** Written by compaction: recently finished ids, still needed to drop a redelivery. */
  z.object({ k: z.literal('seen'), ids: z.array(updateId) }),
]);

export type JournalRecord = z.output<typeof journalRecord>;

/** A line that could not be used; the lines after it still are. */
export interface JournalProblem {
  /** 1-based line number in the file as it was read. */
  line: number;
  kind: 'truncated' | 'not-json' | 'invalid';
  detail: string;
}

export interface ParsedJournal {
  records: JournalRecord[];
  problems: JournalProblem[];
  /** Byte length of the text up to and including the last complete line. */
  cleanLength: number;
}

/**
 * Parses the journal's text. A last line without its newline is a write cut off by a crash:
 * reported as `truncated` and left out (even when it happens to parse, its fsync never finished).
 */
export function parseJournal(text: string): ParsedJournal {
  const records: JournalRecord[] = [];
  const problems: JournalProblem[] = [];
  const lastNewline = text.lastIndexOf('\n');
  const complete = text.slice(0, lastNewline + 1);
  const tail = text.slice(lastNewline + 1);
  const lines = complete === '' ? [] : complete.slice(0, -1).split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const parsed = parseLine(line, index + 1);
    if ('record' in parsed) records.push(parsed.record);
    else problems.push(parsed.problem);
  });
  if (tail !== '')
    problems.push({
      line: lines.length + 1,
      kind: 'truncated',
      detail: `the last line has no newline (${Buffer.byteLength(tail)} bytes): a write cut off`,
    });
  return { records, problems, cleanLength: Buffer.byteLength(complete) };
}

function parseLine(
  line: string,
  lineNumber: number,
): { record: JournalRecord } | { problem: JournalProblem } {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (error) {
    return { problem: { line: lineNumber, kind: 'not-json', detail: (error as Error).message } };
  }
  const parsed = journalRecord.safeParse(data);
  if (parsed.success) return { record: parsed.data };
  const detail = parsed.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  return { problem: { line: lineNumber, kind: 'invalid', detail } };
}

/** One record as a journal line, newline included. */
export function formatRecord(record: JournalRecord): string {
  return `${JSON.stringify(record)}\n`;
}
