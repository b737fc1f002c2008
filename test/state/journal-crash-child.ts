// Run by journal-crash.test.ts, which SIGKILLs it: records updates and marks them done in a loop,
// several operations at a time, and prints a line for each one the journal acknowledged.
import pino from 'pino';
import { InboundJournal } from '../../src/state/journal.ts';
import { message } from './helpers.ts';

const [dataDir, firstId] = process.argv.slice(2);
if (!dataDir || !firstId) throw new Error('usage: journal-crash-child.ts <dataDir> <firstId>');
const opened = await InboundJournal.open({
  dataDir,
  logger: pino({ level: 'silent' }),
  now: () => new Date(),
  compactAboveBytes: 16 * 1024,
});
if (!opened.ok) throw new Error(opened.detail);
const journal = opened.journal;
// stdout to a pipe is synchronous on Linux: a printed acknowledgement is out before the next write.
const ack = (line: string) => process.stdout.write(`${line}\n`);
ack('ready');

let next = Number(firstId);
/** The first update of each batch; only those are ever marked done, two batches later. */
const firsts: number[] = [];
for (;;) {
  const batch = Array.from({ length: 1 + (next % 3) }, () =>
    message(next++, next % 5, 'y'.repeat(next % 200)),
  );
  firsts.push(batch[0]?.updateId ?? 0);
  const doneId = firsts.length > 2 ? firsts.shift() : undefined;
  await Promise.all([
    journal.record(batch).then((outcome) => {
      if (outcome.ok) ack(`recorded ${outcome.fresh.join(',')}`);
    }),
    doneId === undefined
      ? undefined
      : journal.markDone(doneId).then((outcome) => {
          if (outcome.ok) ack(`done ${doneId}`);
        }),
  ]);
}
