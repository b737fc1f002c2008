/**
 * The inbound journal's cost per update, fsync included, beside a bare write + fdatasync of the
 * same bytes measured in the same run (the floor any durable journal pays on this disk).
 * `npx tsx bench/journal.ts` prints the table; bench/run.ts can call `benchJournal` and `journalTable`.
 */
import { open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { InboundJournal, type InboundUpdate } from '../src/state/journal.ts';
import { formatRecord } from '../src/state/journal-records.ts';
import { type Summary, summarize } from './stats.ts';
import { formatTable, ms } from './table.ts';

export const JOURNAL_TARGET_MS = 1;

export interface JournalBenchResult {
  samples: number;
  updateBytes: number;
  /** write + fdatasync of one update's line on a plain file. */
  bareFsync: Summary;
  /** Two of them one after the other: the floor of record + done, each durable on its own. */
  twoBareFsyncs: Summary;
  /** `record` of a one-update batch: what stands between Telegram's answer and the handler. */
  record: Summary;
  /** `markDone` of one update: off the handler's path, but a write and fdatasync of its own. */
  done: Summary;
  /** record + done: the journal's whole cost for one update arriving alone. */
  perUpdate: Summary;
  /** record + done of a batch of ten, divided by ten. */
  perUpdateInBatchOf10: Summary;
}

const hrMs = () => Number(process.hrtime.bigint()) / 1e6;

/** A text message update as Telegram sends it, a typical size. */
function sampleUpdate(updateId: number): InboundUpdate {
  const chat = { id: 123_456_789, first_name: 'Owner', username: 'owner', type: 'private' };
  return {
    updateId,
    chatId: chat.id,
    update: {
      update_id: updateId,
      message: {
        message_id: updateId,
        from: { id: chat.id, is_bot: false, first_name: 'Owner', username: 'owner', language_code: 'en' },
        chat,
        date: 1_700_000_000,
        text: 'Can you check why the backup job on pve2 failed last night and fix it?',
      },
    },
  };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = hrMs();
  await run();
  return hrMs() - start;
}

/** Alternates journal and bare samples so both see the same machine load. */
export async function benchJournal(
  options: { samples?: number; warmup?: number } = {},
): Promise<JournalBenchResult> {
  const samples = options.samples ?? 300;
  const warmup = options.warmup ?? 30;
  const dir = path.join(os.tmpdir(), `journal-bench-${process.pid}`);
  await rm(dir, { recursive: true, force: true });
  const opened = await InboundJournal.open({
    dataDir: dir,
    logger: pino({ level: 'silent' }),
    now: () => new Date(),
  });
  if (!opened.ok) throw new Error(`the journal did not open: ${opened.detail}`);
  const journal = opened.journal;
  const line = Buffer.from(
    formatRecord({
      k: 'update',
      id: 1,
      chat: 1,
      at: new Date().toISOString(),
      update: sampleUpdate(1).update,
    }),
  );
  const bare = await open(path.join(dir, 'bare-fsync'), 'w', 0o600);
  let barePosition = 0;
  const bareFsync = async () => {
    await bare.write(line, 0, line.length, barePosition);
    barePosition += line.length;
    await bare.datasync();
  };

  const result = {
    bare: [] as number[],
    twoBare: [] as number[],
    record: [] as number[],
    done: [] as number[],
    batch: [] as number[],
  };
  let nextId = 1;
  try {
    for (let i = 0; i < warmup + samples; i++) {
      const keep = i >= warmup;
      const id = nextId++;
      const bareMs = await timed(bareFsync);
      const twoBareMs = await timed(async () => {
        await bareFsync();
        await bareFsync();
      });
      const recordMs = await timed(() => journal.record([sampleUpdate(id)]));
      const doneMs = await timed(() => journal.markDone(id));
      const batch = Array.from({ length: 10 }, () => sampleUpdate(nextId++));
      const batchMs = await timed(async () => {
        await journal.record(batch);
        await Promise.all(batch.map((update) => journal.markDone(update.updateId)));
      });
      if (!keep) continue;
      result.bare.push(bareMs);
      result.twoBare.push(twoBareMs);
      result.record.push(recordMs);
      result.done.push(doneMs);
      result.batch.push(batchMs / 10);
    }
  } finally {
    await bare.close();
    await journal.close();
    await rm(dir, { recursive: true, force: true });
  }
  return {
    samples,
    updateBytes: line.length,
    bareFsync: summarize(result.bare),
    twoBareFsyncs: summarize(result.twoBare),
    record: summarize(result.record),
    done: summarize(result.done),
    perUpdate: summarize(result.record.map((recordMs, i) => recordMs + (result.done[i] ?? 0))),
    perUpdateInBatchOf10: summarize(result.batch),
  };
}

/** `+0.12` or `-0.12`; a difference that rounds to zero is `+0.00`, never `-0.00`. */
function signedMs(value: number): string {
  const text = ms(Math.abs(value));
  return `${value < 0 && Number(text) !== 0 ? '-' : '+'}${text}`;
}

export function journalTable(result: JournalBenchResult): string {
  const target = `< ${JOURNAL_TARGET_MS} ms median`;
  const row = (label: string, summary: Summary, targetCell = '', versus = true): string[] => [
    label,
    ms(summary.median),
    ms(summary.p99),
    versus ? `${(summary.median / result.bareFsync.median).toFixed(2)}x` : '',
    versus ? signedMs(summary.median - result.bareFsync.median) : '',
    targetCell,
    targetCell === '' ? '' : summary.median < JOURNAL_TARGET_MS ? 'met' : 'missed',
  ];
  return formatTable(
    [
      { title: `per update (${result.samples} samples, ${result.updateBytes}-byte line)` },
      { title: 'median ms', align: 'right' },
      { title: 'p99 ms', align: 'right' },
      { title: 'vs bare', align: 'right' },
      { title: 'median above bare ms', align: 'right' },
      { title: 'target' },
      { title: '' },
    ],
    [
      row('bare write + fdatasync (baseline)', result.bareFsync, '', false),
      row('journal: record (before the handler)', result.record, target),
      row('journal: mark done', result.done),
      row('two bare fsyncs (floor of record + done)', result.twoBareFsyncs),
      row('journal: record + done', result.perUpdate, target),
      row('journal: record + done, batches of 10', result.perUpdateInBatchOf10, target),
    ],
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchJournal();
  console.log('\nInbound journal overhead per update, fsync included\n');
  console.log(journalTable(result));
  console.log(
    `\nThe baseline is a write + fdatasync of one update's line on a plain file, alternating with the\n` +
      `journal's own samples in this run. ${os.cpus().length} cores, 1-min load average ${(os.loadavg()[0] ?? 0).toFixed(1)}.\n` +
      `Record + done are two durable writes (the floor is the two-fsync row). A done mark written at once\n` +
      `but fsynced only with the next record survives a killed bot, not a power cut: until that fsync,\n` +
      `a power cut would replay an answered message (answered twice), so each mark keeps its own.\n` +
      `Done is off the handler's path; updates arriving together share fsyncs (the batch row).`,
  );
}
