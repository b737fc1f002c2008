/**
 * Output rows of `npm run bench`, each beside its baseline in the same run: Telegram calls per
 * streamed 5,000-character answer (beside the minimum, the final messages alone), the time from
 * the model's first text delta to the first draft the owner sees, and the batch window's own cost
 * (turns with the default window beside turns without one). The strict fake Telegram has its
 * flood limits ON here: a 429 would count, and is reported.
 */
import { DEFAULT_BATCH_WINDOW_MS } from '../src/config/settings.ts';
import { delay, OWNER_ID, startWorld, type World } from '../test/e2e/harness.ts';
import type { Script } from '../test/fakes/anthropic/index.ts';
import { monotonicMs } from '../test/fakes/monotonic.ts';
import type { CallRecord } from '../test/fakes/telegram/index.ts';
import { median } from './stats.ts';
import { formatTable, ms } from './table.ts';
import { until } from './through-bot.ts';

const TRIALS = 5;
const PIECES = 25;
const PIECE_DELAY_MS = 200;
const STREAM_SECONDS = ((PIECES - 1) * PIECE_DELAY_MS) / 1000;
const GROUP = -1_000_909;
const BATCH_TURNS = 5;

const pieces = (trial: string) =>
  Array.from({ length: PIECES }, (_, n) => `${trial} part ${n}: ${'streamed words '.repeat(12)}\n\n`);

const script: Script = (turn) => {
  const text = turn.userText;
  if (text.startsWith('stream ')) {
    const chunks = pieces(text);
    return { text: chunks.join(''), chunks, chunkDelayMs: PIECE_DELAY_MS };
  }
  return { text: `You said: ${text}` };
};

const OUTPUT_METHODS = new Set(['sendMessageDraft', 'sendMessage', 'editMessageText', 'deleteMessage']);

interface StreamTrial {
  calls: number;
  finalMessages: number;
  firstDraftMs?: number;
  rateLimited: number;
}

async function streamTrial(world: World, chatId: number, name: string): Promise<StreamTrial> {
  const before = world.tg.calls.length;
  world.tg.sendText({ userId: OWNER_ID, chatId, text: name });
  await world.tg.waitForMessage(chatId, `${name} part ${PIECES - 1}:`, { timeoutMs: 60_000 });
  await delay(500); // the preview's removal, in a group
  const calls = world.tg.calls
    .slice(before)
    .filter((call) => String(call.params.chat_id) === String(chatId) && OUTPUT_METHODS.has(call.method));
  const finals = calls.filter(
    (call) => call.method === 'sendMessage' && String(call.params.text).includes(`${name} part`),
  );
  const request = world.model.requests.find((r) => world.model.lastUserText(r) === name);
  const firstDraft = calls.find(
    (call) => call.method === 'sendMessageDraft' || call.method === 'sendMessage',
  );
  return {
    calls: calls.length,
    // The minimum: the answer itself, as the messages it needs (two: it is over 4,096 characters).
    finalMessages: chatId > 0 ? finals.length : finals.length - 1,
    ...(request?.firstDeltaAt !== undefined && firstDraft
      ? { firstDraftMs: firstDraft.monotonicAt - request.firstDeltaAt }
      : {}),
    rateLimited: world.tg.calls.slice(before).filter((call) => call.status === 429).length,
  };
}

async function batchTurns(world: World, prefix: string): Promise<number[]> {
  const totals: number[] = [];
  for (let i = 0; i < BATCH_TURNS; i++) {
    const text = `${prefix} ${i}`;
    const queuedAt = monotonicMs();
    world.say(text);
    await world.tg.waitForMessage(OWNER_ID, `You said: ${text}`, { timeoutMs: 30_000 });
    const isReply = (call: CallRecord) =>
      call.method === 'sendMessage' && String(call.params.text).includes(`You said: ${text}`);
    // The fake records a call once it has answered it, just after the chat shows the message.
    await until(() => world.tg.calls.some(isReply), 5_000, 'the answer to be recorded');
    const reply = world.tg.calls.find(isReply) as CallRecord;
    totals.push(reply.monotonicAt - queuedAt);
    await delay(300);
  }
  return totals;
}

/** Runs the output rows in a world of their own and prints their table. */
export async function outputBench(progress: (line: string) => void): Promise<string> {
  const world = await startWorld({ script, modelClock: monotonicMs });
  try {
    progress('output: streamed answers (flood limits on), then the batch window');
    await world.startBot({ LOG_LEVEL: 'info', ALLOWED_CHAT_IDS: String(GROUP) });
    world.say('/new stream');
    await world.tg.waitForMessage(OWNER_ID, "Session 'stream' created.");
    world.tg.sendText({ userId: OWNER_ID, chatId: GROUP, text: '/session stream' });
    await world.tg.waitForMessage(GROUP, "Switched to session 'stream'.");
    const privateTrials: StreamTrial[] = [];
    const groupTrials: StreamTrial[] = [];
    for (let i = 0; i < TRIALS; i++) privateTrials.push(await streamTrial(world, OWNER_ID, `stream p${i}`));
    for (let i = 0; i < 2; i++) groupTrials.push(await streamTrial(world, GROUP, `stream g${i}`));
    const noWindow = await batchTurns(world, 'no window');
    await world.bot?.stop('SIGTERM');
    await world.startBot({
      LOG_LEVEL: 'info',
      ALLOWED_CHAT_IDS: String(GROUP),
      BATCH_WINDOW_MS: String(DEFAULT_BATCH_WINDOW_MS),
    });
    world.say('/session stream');
    await world.tg.waitForMessage(OWNER_ID, "Switched to session 'stream'.");
    const withWindow = await batchTurns(world, 'with window');
    return outputTable(privateTrials, groupTrials, noWindow, withWindow);
  } finally {
    await world.close();
  }
}

function outputTable(
  privateTrials: StreamTrial[],
  groupTrials: StreamTrial[],
  noWindow: number[],
  withWindow: number[],
): string {
  const callRow = (where: string, trials: StreamTrial[]) => {
    const calls = median(trials.map((trial) => trial.calls));
    const minimum = median(trials.map((trial) => trial.finalMessages));
    const target = Math.ceil(STREAM_SECONDS) + minimum;
    const limited = trials.reduce((sum, trial) => sum + trial.rateLimited, 0);
    return [
      `Telegram calls per streamed answer, ${where}`,
      String(calls),
      `${minimum} (final messages alone)`,
      `<= ${target}`,
      calls <= target && limited === 0 ? 'yes' : 'NO',
      `${limited} x 429`,
    ];
  };
  const drafts = privateTrials.flatMap((trial) =>
    trial.firstDraftMs === undefined ? [] : [trial.firstDraftMs],
  );
  const firstDraft = median(drafts);
  const window = DEFAULT_BATCH_WINDOW_MS;
  const fromClose = median(withWindow) - window;
  const rows = [
    callRow('private chat (drafts)', privateTrials),
    callRow('group (edited preview)', groupTrials),
    [
      'first text delta -> first draft (ms, median)',
      ms(firstDraft),
      '-',
      '< 300',
      firstDraft < 300 ? 'yes' : 'NO',
      `${drafts.length} trials`,
    ],
    [
      `turn from batch close (ms, median), window ${window} ms`,
      ms(fromClose),
      `${ms(median(noWindow))} (no window)`,
      '-',
      '-',
      `window's own cost ${window} ms; whole turn ${ms(median(withWindow))}`,
    ],
  ];
  const notes = [
    '',
    `Answers of about 5,000 characters written in ${PIECES} pieces ${PIECE_DELAY_MS} ms apart (${STREAM_SECONDS} s of streaming);`,
    'calls counted: sendMessageDraft, sendMessage, editMessageText, deleteMessage to that chat. Target: one per',
    'second of streaming plus the final messages. First draft: from the fake model writing the first text delta',
    "(its own stamp) to the fake Telegram receiving the first draft: the CLI's relay of the delta is included.",
    `Batch rows: ${BATCH_TURNS} turns each; 'from batch close' subtracts the window from the whole turn.`,
  ];
  return `${formatTable(
    [
      { title: 'row' },
      { title: 'value', align: 'right' },
      { title: 'baseline' },
      { title: 'target' },
      { title: 'met' },
      { title: 'note' },
    ],
    rows,
  )}\n${notes.join('\n')}`;
}
