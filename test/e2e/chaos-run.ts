/**
 * One chaos run, end to end with the real CLI: a share of every Telegram call fails (429, 500,
 * dropped connections, timeouts), Claude Code is killed in the middle of a turn, and the bot is
 * SIGKILLed with messages queued and a turn running, then started again. Then, Telegram well again:
 * DATA_DIR full (a tmpfs of its own, see chaos-disk.ts), a damaged metadata.json, the model API
 * answering 529, a damaged journal, and DATA_DIR read-only (chaos-scenarios.ts). At the end every message is
 * counted: answered exactly once, told why not, lost, answered twice. Used by the short form in
 * `npm test` (chaos.test.ts) and by `npm run chaos` (bench/chaos.ts).
 */

import { formatTable } from '../../bench/table.ts';
import type { Script } from '../fakes/anthropic/index.ts';
import { mountDataDisk, unparsableFiles } from './chaos-disk.ts';
import {
  damagedJournalScenario,
  damagedMetadataScenario,
  diskScenario,
  metadataOf,
  overloadScenario,
  type ScenarioContext,
} from './chaos-scenarios.ts';
import {
  answerTo,
  type ChaosRow,
  countAnswers,
  killBot,
  killClaudes,
  lostTexts,
  type ScenarioResult,
} from './chaos-tally.ts';
import { delay, OWNER_ID, startWorld, waitUntil } from './harness.ts';

export interface ChaosTally {
  /** One row per scenario. */
  rows: ChaosRow[];
  /** Every row added up. */
  total: ChaosRow;
  /** Telegram calls the fake failed on purpose (429, 500, reset, timeout). */
  telegramFaults: number;
  /** 529 answers of the fake model API during its outage. */
  overloadAnswers: number;
  /** What the owner should have been told and was not, files that no longer parse, and the like. */
  problems: string[];
}

export interface ChaosOptions {
  messages: number;
  /** Share of Telegram calls that fail (0.2: one in five). */
  faultRate: number;
  /** How long the model API answers 529. */
  overloadMs: number;
  /** CLAUDE_CODE_MAX_RETRIES for the bot's sessions: enough to outlast `overloadMs`. */
  modelRetries: number;
  progress?: (line: string) => void;
}

const chat = OWNER_ID;
const textOf = (n: number) => `chaos ${n}`;

/** Each answer streams for a moment, so a kill lands in the middle of a turn. */
const script: Script = (turn) => ({
  text: answerTo(turn.userText),
  chunks: ['You said: ', turn.userText],
  chunkDelayMs: 400,
});

/** After a restart: “… was working on your last message” (or “your last 3 messages”): not answered, and said so. */
function cutOffNotice(message: string): number {
  const cutOff = /was working on your last (?:(\d+) messages|message): that was cut off/.exec(message);
  return cutOff ? Number(cutOff[1] ?? 1) : 0;
}

const crashTexts = (sent: number) => Array.from({ length: sent }, (_, i) => textOf(i + 1));

/** Telegram failing, Claude Code killed, the bot SIGKILLed and started again. */
async function crashScenario(ctx: ScenarioContext, options: ChaosOptions): Promise<ScenarioResult> {
  const { world, progress } = ctx;
  world.tg.failRandomly(options.faultRate, [429, 500, 'reset', 'timeout']);
  const third = Math.max(1, Math.floor(options.messages / 3));
  let sent = 0;
  const send = async (count: number) => {
    for (let i = 0; i < count && sent < options.messages; i++) {
      sent += 1;
      world.say(textOf(sent));
      await delay(150);
    }
  };

  progress('phase 1: messages, and Claude Code killed mid-turn');
  await send(third);
  await waitUntil(() => world.model.requests.some((request) => !request.isTitleRequest), 30_000);
  await delay(300);
  progress(`  killed ${await killClaudes(world)} claude process(es)`);

  progress('phase 2: messages queued, a turn running, the bot SIGKILLed and started again');
  await send(third);
  await waitUntil(() => world.tg.pendingUpdates() === 0, 30_000);
  const killedBot = world.bot;
  await killBot(world);
  await world.startBot(ctx.botEnv, 60_000);

  progress('phase 3: the rest, faults still on');
  await send(options.messages - sent);
  await ctx.awaitAnswers(crashTexts(sent), {
    timeoutMs: 60_000 + options.messages * 3_000,
    told: cutOffNotice,
  });
  world.tg.failRandomly(0, []);
  const scenario = 'Telegram faults, kills';
  const problems: string[] = [];
  const lost = lostTexts(world, crashTexts(sent), cutOffNotice);
  if (lost.length > 0) {
    // What each bot logged is the only account of where a lost message went.
    const logs = [killedBot?.output() ?? '', world.bot?.output() ?? ''];
    problems.push(
      `${scenario}: lost ${lost.join(', ')}; the owner saw ${JSON.stringify(world.tg.messages(chat).map((m) => m.text))}\n` +
        logs.map((log, i) => `bot ${i + 1} log (tail):\n${log.split('\n').slice(-60).join('\n')}`).join('\n'),
    );
  }
  return { scenario, texts: crashTexts(sent), told: cutOffNotice, problems };
}

export async function runChaos(options: ChaosOptions): Promise<ChaosTally> {
  const started = Date.now();
  const progress = (line: string) =>
    options.progress?.(`${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s ${line}`);
  const world = await startWorld({ script, rateLimits: false, timeoutFaultMs: 1_000 });
  const disk = await mountDataDisk(world.dataDir);
  const ctx: ScenarioContext = {
    world,
    disk,
    progress,
    botEnv: { CLAUDE_CODE_MAX_RETRIES: String(options.modelRetries) },
    awaitAnswers: (texts, { timeoutMs = 60_000, told } = {}) =>
      waitUntil(() => countAnswers(world, '', texts, told).lost === 0, timeoutMs).catch(() => undefined),
  };
  const results: ScenarioResult[] = [];
  try {
    await world.startBot(ctx.botEnv, 60_000);
    world.say('/new chaos');
    await world.tg.waitForMessage(chat, "Session 'chaos' created.", { timeoutMs: 30_000 });
    results.push(await crashScenario(ctx, options));
    progress('DATA_DIR full');
    results.push(await diskScenario(ctx, 'full'));
    progress('a damaged metadata.json');
    results.push(await damagedMetadataScenario(ctx));
    progress(`the model API answering 529 for ${options.overloadMs} ms`);
    results.push(await overloadScenario(ctx, options.overloadMs));
    progress('a damaged journal, the bot SIGKILLed with a turn running');
    results.push(await damagedJournalScenario(ctx));
    // Last: a bot started on a read-only DATA_DIR runs without its journal until its next start.
    progress('DATA_DIR read-only, the bot started again on it');
    results.push(await diskScenario(ctx, 'read-only'));
    // Long enough for a second answer to any message to show.
    await delay(2_000);
    const damaged = [metadataOf(world, 'dented'), metadataOf(world, 'intact')];
    const unparsable = await unparsableFiles(world.dataDir, damaged);
    const problems = results.flatMap((result) => result.problems);
    if (unparsable.length > 0) problems.push(`files that no longer parse: ${unparsable.join(', ')}`);
    const rows = results.map((result) => countAnswers(world, result.scenario, result.texts, result.told));
    return {
      rows,
      total: sumRows(rows),
      telegramFaults: world.tg.calls.filter((call) => [0, 429, 500].includes(call.status)).length,
      overloadAnswers: world.model.outageAnswers,
      problems,
    };
  } finally {
    // The bot first: the disk is unmounted under a bot that no longer writes to it.
    await Promise.race([world.bot?.stop('SIGTERM'), delay(6_000)]);
    await disk.unmount();
    await world.close();
  }
}

function sumRows(rows: ChaosRow[]): ChaosRow {
  const total: ChaosRow = { scenario: 'all', sent: 0, answeredOnce: 0, told: 0, lost: 0, answeredTwice: 0 };
  for (const row of rows) {
    total.sent += row.sent;
    total.answeredOnce += row.answeredOnce;
    total.told += row.told;
    total.lost += row.lost;
    total.answeredTwice += row.answeredTwice;
  }
  return total;
}

export function chaosTable(tally: ChaosTally): string {
  const line = (row: ChaosRow) =>
    [row.scenario, row.sent, row.answeredOnce, row.told, row.lost, row.answeredTwice].map(String);
  return formatTable(
    [
      { title: 'scenario' },
      { title: 'messages sent', align: 'right' },
      { title: 'answered exactly once', align: 'right' },
      { title: 'told why not answered', align: 'right' },
      { title: 'lost (must be 0)', align: 'right' },
      { title: 'answered twice (must be 0)', align: 'right' },
    ],
    [...tally.rows.map(line), line(tally.total)],
  );
}
