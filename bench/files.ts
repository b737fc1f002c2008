/**
 * Files in (issue 11), through the real bot (`npm start`), the real Claude Code CLI and the fakes:
 * - a 5 MB document from queued on Telegram to Claude Code's request at the model (Claude told its
 *   path) and to the CLI's stdin (bench/cli-relay.mjs), beside a text message's journey to the stdin
 *   and the fake Telegram serving those 5 MB alone (bytes-reader.ts); the bot's share is what the
 *   document adds beyond both;
 * - the bot process's peak RSS while it receives a 20 MB document, above its idle RSS, read from
 *   /proc/<pid>/status (process-memory.ts).
 * `npx tsx bench/files.ts` prints the table; bench/run.ts calls `runFilesBench`.
 */
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BOT_ENTRY, delay, OWNER_ID, startWorld, type World } from '../test/e2e/harness.ts';
import { monotonicMs } from '../test/fakes/monotonic.ts';
import { type BytesReader, startBytesReader } from './bytes-reader.ts';
import { descendantRunning, peakRssDuring } from './process-memory.ts';
import { RELAY_PATH, stdinStampOf } from './relay-log.ts';
import { type Summary, summarize } from './stats.ts';
import { formatTable, ms } from './table.ts';
import { command, until } from './through-bot.ts';

const MB = 1024 * 1024;
export const FILE_TARGETS = { botShareMs: 50, rssAboveIdleMb: 40 };
const DOCUMENT_BYTES = 5 * MB;
const LARGE_BYTES = 20 * MB;
const TRIALS = 9;
const chat = OWNER_ID;

export interface FilesBenchResult {
  trials: number;
  /** Document queued on Telegram → Claude Code's request (with the path) at the model. */
  documentToPrompt: Summary;
  /** Document queued on Telegram → its turn at the CLI's stdin (the relay's stamp). */
  documentToStdin: Summary;
  /** A text message's same journey to the CLI's stdin: the long poll and the bot's text path. */
  textToStdin: Summary;
  /** The fake Telegram serving the 5 MB alone: getFile and the download, read to the end by another process. */
  serveAlone: Summary;
  /** Per trial, to the CLI's stdin: document − text − serving. */
  botShare: Summary;
  idleRssMb: number;
  peakRssMb: number;
  /** How the peak was read: VmHWM after a clear_refs reset, or the VmRSS samples alone. */
  peakFrom: 'VmHWM' | 'VmRSS samples';
}

/** Waits for Claude Code's request whose newest user turn mentions `text`; its arrival stamp. */
async function promptAt(world: World, from: number, text: string): Promise<number> {
  const mentions = () =>
    world.model.requests.slice(from).find((request) => {
      const turn = request.messages.findLast((message) => message.role === 'user');
      return JSON.stringify(turn?.content ?? '').includes(text);
    });
  await until(() => mentions() !== undefined, 30_000, `Claude to be told about ${text}`);
  return mentions()?.receivedAt as number;
}

interface Stamps {
  queuedAt: number;
  /** The turn reached the CLI's stdin. */
  stdinAt: number;
  /** Claude Code's request for it reached the fake model. */
  promptAt: number;
}

async function stampsOf(world: World, queuedAt: number, from: number, marker: string): Promise<Stamps> {
  const at = await promptAt(world, from, marker);
  const stdinAt = await stdinStampOf(relayLogOf(world), marker);
  if (stdinAt === undefined) throw new Error(`the relay logged no stdin stamp for ${marker}`);
  return { queuedAt, stdinAt, promptAt: at };
}

async function textTurn(world: World, text: string): Promise<Stamps> {
  const from = world.model.requests.length;
  const queuedAt = monotonicMs();
  world.tg.sendText({ userId: OWNER_ID, text });
  const stamps = await stampsOf(world, queuedAt, from, text);
  await world.tg.waitForMessage(chat, `You said: ${text}`, { timeoutMs: 30_000 });
  return stamps;
}

/** A document sent as the owner; resolves once Claude has answered it. */
async function documentTurn(
  world: World,
  name: string,
  bytes: Buffer,
): Promise<{ stamps: Stamps; fileId: string }> {
  const from = world.model.requests.length;
  const queuedAt = monotonicMs();
  const update = world.tg.sendDocument({ userId: OWNER_ID, fileName: name, bytes, caption: `got ${name}?` });
  // The inbox name (timestamp-name) in the path Claude is told.
  const stamps = await stampsOf(world, queuedAt, from, `-${name}`);
  await world.tg.waitForMessage(chat, `You said: got ${name}?`, { timeoutMs: 30_000 });
  const fileId = (update.message as { document?: { file_id: string } } | undefined)?.document?.file_id;
  if (!fileId) throw new Error('the fake gave the document no file_id');
  return { stamps, fileId };
}

const relayLogOf = (world: World) => path.join(path.dirname(world.home), 'files-relay.log');

export async function benchFiles(world: World): Promise<FilesBenchResult> {
  // Claude Code behind the stamping relay: the CLI's stdin is where the bot's work on a turn ends.
  await world.startBot({ LOG_LEVEL: 'info', CLAUDE_PATH: RELAY_PATH, BENCH_RELAY_LOG: relayLogOf(world) });
  await command(world, chat, '/new files-bench', "Session 'files-bench' created.");
  const pid = await descendantRunning(world.bot?.child.pid ?? 0, BOT_ENTRY);
  // Warm-up: the first turn, the first download and the first document turn pay one-time costs.
  await textTurn(world, 'warm-up');
  await documentTurn(world, 'warm-up.bin', Buffer.alloc(DOCUMENT_BYTES, 1));
  await delay(1_000);
  const peak = await peakRssDuring(pid, () =>
    documentTurn(world, 'large.bin', Buffer.alloc(LARGE_BYTES, 0x5a)),
  );
  const reader = startBytesReader(world.tg);
  try {
    return {
      idleRssMb: peak.idleMb,
      peakRssMb: peak.peakMb,
      peakFrom: peak.from,
      ...(await timeDocuments(world, reader)),
    };
  } finally {
    reader.close();
  }
}

async function timeDocuments(
  world: World,
  reader: BytesReader,
): Promise<Omit<FilesBenchResult, 'idleRssMb' | 'peakRssMb' | 'peakFrom'>> {
  const warmUp = await documentTurn(world, 'warm-up-2.bin', Buffer.alloc(DOCUMENT_BYTES, 2));
  for (let i = 0; i < 5; i++) await reader.read(warmUp.fileId);
  const rows = {
    prompt: [] as number[],
    document: [] as number[],
    text: [] as number[],
    serve: [] as number[],
  };
  const share: number[] = [];
  // Alternated, so all three see the same machine load.
  for (let i = 0; i < TRIALS; i++) {
    const text = await textTurn(world, `text ${i}`);
    const document = await documentTurn(world, `doc-${i}.bin`, Buffer.alloc(DOCUMENT_BYTES, i));
    const served = await reader.read(document.fileId);
    if (served.bytes !== DOCUMENT_BYTES) throw new Error(`the fake served ${served.bytes} bytes`);
    const serve = served.ms;
    const toStdin = (stamps: Stamps) => stamps.stdinAt - stamps.queuedAt;
    rows.prompt.push(document.stamps.promptAt - document.stamps.queuedAt);
    rows.document.push(toStdin(document.stamps));
    rows.text.push(toStdin(text));
    rows.serve.push(serve);
    share.push(toStdin(document.stamps) - toStdin(text) - serve);
  }
  return {
    trials: TRIALS,
    documentToPrompt: summarize(rows.prompt),
    documentToStdin: summarize(rows.document),
    textToStdin: summarize(rows.text),
    serveAlone: summarize(rows.serve),
    botShare: summarize(share),
  };
}

export function filesTable(result: FilesBenchResult): string {
  const verdict = (met: boolean) => (met ? 'met' : 'missed');
  const row = (label: string, summary: Summary, target = '', met?: boolean): string[] => [
    label,
    ms(summary.median),
    ms(summary.max),
    target,
    met === undefined ? '' : verdict(met),
  ];
  const above = result.peakRssMb - result.idleRssMb;
  return formatTable(
    [
      { title: `${result.trials} trials` },
      { title: 'median', align: 'right' },
      { title: 'max', align: 'right' },
      { title: 'target' },
      { title: '' },
    ],
    [
      row('5 MB document: sent -> Claude told its path, at the model (ms)', result.documentToPrompt),
      row("5 MB document: sent -> at the CLI's stdin (ms)", result.documentToStdin),
      row("text message: sent -> at the CLI's stdin (ms)", result.textToStdin),
      row('fake Telegram serving the 5 MB alone (ms)', result.serveAlone),
      row(
        "bot's share: document - text - serving (ms)",
        result.botShare,
        `< ${FILE_TARGETS.botShareMs} ms median`,
        result.botShare.median < FILE_TARGETS.botShareMs,
      ),
      [`bot RSS idle (MB)`, result.idleRssMb.toFixed(1), '', '', ''],
      [`bot RSS peak receiving 20 MB (MB, ${result.peakFrom})`, result.peakRssMb.toFixed(1), '', '', ''],
      [
        'peak above idle (MB)',
        above.toFixed(1),
        '',
        `< ${FILE_TARGETS.rssAboveIdleMb} MB`,
        verdict(above < FILE_TARGETS.rssAboveIdleMb),
      ],
    ],
  );
}

/** Its own world and bot; prints the table and the notes; ends every process it started. */
export async function runFilesBench(): Promise<void> {
  const world = await startWorld({ rateLimits: false, modelClock: monotonicMs });
  try {
    const result = await benchFiles(world);
    console.log('\nFiles in: a 5 MB document to Claude, and the bot RSS while receiving 20 MB\n');
    console.log(filesTable(result));
    console.log(
      [
        '',
        'Notes:',
        '- Stamps on the monotonic clock, never taken by the bot: the update queued (this process), the turn',
        "  at the CLI's stdin (bench/cli-relay.mjs as CLAUDE_PATH), the CLI's request at the fake model.",
        "- The text row is a text message's journey to the CLI (long poll, the bot's text path); the serving",
        '  row is getFile plus the download read to the end by a separate, warmed-up node process. The',
        "  bot's share is, per trial, the document's journey minus both: its getFile, streaming to disk, the turn.",
        '- RSS of the bot node process (/proc/<pid>/status); idle is the lowest of three reads just before.',
        "  The download streams to disk; what rises with the size is chunks awaiting V8's GC, and it levels off",
        '  (an 80 MB file measured once: +29 MB).',
        `- ${os.cpus().length} cores, 1-min load average ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end.`,
      ].join('\n'),
    );
  } catch (error) {
    process.stderr.write(`bench/files: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    if (world.bot) process.stderr.write(`bot output (tail):\n${world.bot.output().slice(-3_000)}\n`);
    process.exitCode = 1;
  } finally {
    await world.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await runFilesBench();
