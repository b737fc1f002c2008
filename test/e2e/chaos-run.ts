/**
 * One chaos run, end to end with the real CLI: a share of every Telegram call fails (429, 500,
 * dropped connections, timeouts), Claude Code is killed in the middle of a turn, and the bot is
 * SIGKILLed with messages queued and a turn running, then started again. At the end every message
 * is counted: answered exactly once, told why not, lost, answered twice. Used by the short form in
 * `npm test` (chaos.test.ts) and by `npm run chaos` (bench/chaos.ts).
 */

import { formatTable } from '../../bench/table.ts';
import type { Script } from '../fakes/anthropic/index.ts';
import { claudeProcesses, delay, OWNER_ID, startWorld, type World, waitUntil } from './harness.ts';

export interface ChaosTally {
  sent: number;
  answeredOnce: number;
  /** Not answered, but the chat was told why (a turn cut off while using tools). */
  told: number;
  lost: number;
  answeredTwice: number;
  /** Telegram calls the fake failed on purpose (429, 500, reset, timeout). */
  telegramFaults: number;
}

export interface ChaosOptions {
  messages: number;
  /** Share of Telegram calls that fail (0.2: one in five). */
  faultRate: number;
  progress?: (line: string) => void;
}

const chat = OWNER_ID;
const textOf = (n: number) => `chaos ${n}`;

/** Each answer streams for a moment, so a kill lands in the middle of a turn. */
const script: Script = (turn) => ({
  text: `You said: ${turn.userText}`,
  chunks: ['You said: ', turn.userText],
  chunkDelayMs: 400,
});

async function killClaudes(world: World): Promise<number> {
  const running = await claudeProcesses(world.home);
  for (const { pid } of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  return running.length;
}

function tally(world: World, sent: number): ChaosTally {
  const texts = world.tg.messages(chat).map((message) => message.text);
  const telegramFaults = world.tg.calls.filter((call) => [0, 429, 500].includes(call.status)).length;
  const result: ChaosTally = { sent, answeredOnce: 0, told: 0, lost: 0, answeredTwice: 0, telegramFaults };
  for (let n = 1; n <= sent; n++) {
    const answers = texts.filter((text) => text === `You said: ${textOf(n)}`).length;
    if (answers === 1) result.answeredOnce += 1;
    else if (answers > 1) result.answeredTwice += 1;
    else if (texts.some((text) => text.includes(`“${textOf(n)}”`))) result.told += 1;
    else result.lost += 1;
  }
  return result;
}

const settled = (world: World, sent: number) => {
  const counted = tally(world, sent);
  return counted.lost === 0;
};

export async function runChaos(options: ChaosOptions): Promise<ChaosTally> {
  const progress = options.progress ?? (() => undefined);
  const world = await startWorld({ script, rateLimits: false, timeoutFaultMs: 1_000 });
  try {
    await world.startBot({}, 60_000);
    world.say('/new chaos');
    await world.tg.waitForMessage(chat, "Session 'chaos' created.", { timeoutMs: 30_000 });
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
    const bot = world.bot;
    if (bot?.child.pid) process.kill(-bot.child.pid, 'SIGKILL');
    await bot?.exited;
    await killClaudes(world);
    await world.startBot({}, 60_000);

    progress('phase 3: the rest, faults still on');
    await send(options.messages - sent);
    await waitUntil(() => settled(world, sent), 60_000 + options.messages * 3_000).catch(() => undefined);
    world.tg.failRandomly(0, []);
    // Long enough for a second answer to any message to show.
    await delay(2_000);
    return tally(world, sent);
  } finally {
    await world.close();
  }
}

export function chaosTable(tally: ChaosTally): string {
  return formatTable(
    [
      { title: 'messages sent', align: 'right' },
      { title: 'answered exactly once', align: 'right' },
      { title: 'told why not answered', align: 'right' },
      { title: 'lost (must be 0)', align: 'right' },
      { title: 'answered twice (must be 0)', align: 'right' },
      { title: 'Telegram calls failed', align: 'right' },
    ],
    [
      [tally.sent, tally.answeredOnce, tally.told, tally.lost, tally.answeredTwice, tally.telegramFaults].map(
        String,
      ),
    ],
  );
}
