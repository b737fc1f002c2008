/**
 * One soak run, end to end with the real CLI: N cycles of a session's whole life in the owner's
 * chat: create two (/new), switch (/session), a message, Claude Code killed with SIGKILL (restarted
 * by the bot), a slow turn stopped (/stop), idle suspend (SESSION_IDLE_TIMEOUT), resume, /archive of
 * both. At the end: no zombie, no process of the world left but the bot, the bot's open file
 * descriptors and RSS at the start and end, DATA_DIR consistent (every metadata.json parses,
 * chats.json names only sessions on disk). Used by soak.test.ts (a few cycles) and bench/scale.ts.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { SessionMetadataSchema } from '../../src/sessions/session-store.ts';
import type { BotMessage } from '../fakes/telegram/index.ts';
import { type BotSample, botPid, sampleBot } from './bot-proc.ts';
import { defunctClaudes, OWNER_ID, startWorld, type World, waitUntil } from './harness.ts';
import { metadataOf, modelAsked, processesOf, slowOrEcho } from './lifecycle-helpers.ts';

export interface SoakResult {
  cycles: number;
  /** Chats running cycles at once. */
  lanes: number;
  wallMs: number;
  start: BotSample;
  end: BotSample;
  zombies: number;
  /** Processes of this world (its HOME) still running once the last session was archived, the bot aside. */
  leftovers: string[];
  /** DATA_DIR problems: a metadata.json that does not parse, chats.json naming a missing session. */
  inconsistencies: string[];
  /** Milliseconds spent in each step, summed over the cycles. */
  steps: Map<string, number>;
}

/**
 * Long enough that a session never idles out between its answer and the soak's next step (a run with
 * 3 s and three chats at once on 2 cores once found a session suspended right after its answer).
 */
const IDLE_TIMEOUT = '8s';

/**
 * Lane k's chat: the owner's private chat, then groups of the allowlist. Each lane runs its own
 * cycles, so several sessions live, die and come back at once (and the run takes less time).
 */
const laneChat = (lane: number) => (lane === 0 ? OWNER_ID : -1_000_900 - lane);

/** The owner writes `text` in `chat`; resolves with the bot's reply matching `expected`. */
function say(world: World, chat: number, text: string, expected: string | RegExp): Promise<BotMessage> {
  world.tg.sendText({ userId: OWNER_ID, chatId: chat, text });
  return world.tg.waitForMessage(chat, expected, { timeoutMs: 30_000 });
}

function archiveButton(card: BotMessage): string {
  const button = card.replyMarkup?.inline_keyboard.flat().find((b) => String(b.text).includes('Archive'));
  if (typeof button?.callback_data !== 'string') throw new Error('no Archive button on the card');
  return button.callback_data;
}

async function archive(world: World, chat: number, name: string): Promise<void> {
  const card = await say(world, chat, `/archive ${name}`, `Archive session '${name}'?`);
  world.tg.pressButton({
    userId: OWNER_ID,
    chatId: chat,
    messageId: card.messageId,
    data: archiveButton(card),
  });
  await world.tg.waitForMessage(chat, `Session '${name}' archived.`, { timeoutMs: 30_000 });
}

/** One life: the messages each wait for their reply, so a failure says which step it was. */
async function cycle(world: World, chat: number, i: number, steps: Map<string, number>): Promise<void> {
  let last = Date.now();
  const step = (name: string) => {
    steps.set(name, (steps.get(name) ?? 0) + Date.now() - last);
    last = Date.now();
  };
  const a = `soak-a${i}`;
  const b = `soak-b${i}`;
  await say(world, chat, `/new ${a}`, `Session '${a}' created.`);
  await say(world, chat, `/new ${b}`, `Session '${b}' created.`);
  step('create');
  await say(world, chat, `/session ${a}`, `Switched to session '${a}'.`);
  step('switch');
  await say(world, chat, `cycle ${i} hello`, `You said: cycle ${i} hello`);
  step('message');

  const live = (await processesOf(world, a)).find((p) => p.state !== 'Z');
  if (!live) throw new Error(`${a} has no live Claude Code process right after its answer`);
  process.kill(live.pid, 'SIGKILL');
  await world.tg.waitForMessage(chat, 'Claude Code stopped unexpectedly', { timeoutMs: 30_000 });
  await say(world, chat, `cycle ${i} after the kill`, `You said: cycle ${i} after the kill`);
  step('kill, restart, answer');

  world.tg.sendText({ userId: OWNER_ID, chatId: chat, text: `slow cycle ${i}` });
  await modelAsked(world, `slow cycle ${i}`);
  await say(world, chat, '/stop', 'Stopped.');
  step('stop');

  await waitUntil(async () => (await processesOf(world, a)).length === 0, 30_000);
  await waitUntil(() => metadataOf(world, a).status === 'suspended', 10_000);
  step('idle suspend');
  await say(world, chat, `cycle ${i} resumed`, `You said: cycle ${i} resumed`);
  step('resume');

  await archive(world, chat, b);
  await archive(world, chat, a);
  step('archive both');
}

/** Every process with this world's HOME in its environment but the bot's own: none may stay. */
async function worldProcesses(home: string, except: readonly number[]): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || except.includes(Number(entry))) continue;
    try {
      const environ = (await readFile(`/proc/${entry}/environ`, 'utf8')).split('\0');
      if (!environ.includes(`HOME=${home}`)) continue;
      const command = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').join(' ').trim();
      // tsx's compiler service, which `npm start` runs beside the bot for as long as the bot runs.
      if (command.includes('/@esbuild/') && command.includes('--service')) continue;
      found.push(`${entry} ${command}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** DATA_DIR as a restart would read it: every metadata.json valid, chats.json naming sessions on disk. */
export async function dataDirProblems(dataDir: string): Promise<string[]> {
  const problems: string[] = [];
  const sessions = path.join(dataDir, 'sessions');
  const names = existsSync(sessions) ? await readdir(sessions) : [];
  for (const name of names) {
    const file = path.join(sessions, name, 'metadata.json');
    try {
      SessionMetadataSchema.parse(JSON.parse(await readFile(file, 'utf8')));
    } catch (error) {
      problems.push(`${name}/metadata.json: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const chats = path.join(dataDir, 'state', 'chats.json');
  if (existsSync(chats)) {
    const active = JSON.parse(await readFile(chats, 'utf8')) as Record<string, string>;
    for (const [chatId, name] of Object.entries(active))
      if (!names.includes(name)) problems.push(`chats.json: chat ${chatId} -> missing session '${name}'`);
  }
  return problems;
}

/** `lanes`: how many chats run cycles at once (1: one after the other in the owner's chat). */
export async function runSoak(options: {
  cycles: number;
  lanes?: number;
  progress?: (line: string) => void;
}): Promise<SoakResult> {
  const progress = options.progress ?? (() => undefined);
  const lanes = Math.max(1, Math.min(options.lanes ?? 1, options.cycles));
  const world = await startWorld({ script: slowOrEcho });
  try {
    const groups = Array.from({ length: lanes - 1 }, (_, k) => laneChat(k + 1)).join(',');
    await world.startBot(
      {
        LOG_LEVEL: 'info',
        SESSION_IDLE_TIMEOUT: IDLE_TIMEOUT,
        ...(groups ? { ALLOWED_CHAT_IDS: groups } : {}),
      },
      60_000,
    );
    const pid = await botPid(world);
    const start = await sampleBot(pid);
    const startedAt = Date.now();
    const steps = new Map<string, number>();
    let done = 0;
    const lane = async (k: number) => {
      for (let i = k; i < options.cycles; i += lanes) {
        await cycle(world, laneChat(k), i, steps);
        done += 1;
        if (done % 10 === 0 || done === options.cycles) {
          const now = await sampleBot(pid);
          progress(
            `cycle ${done}/${options.cycles}: ${((Date.now() - startedAt) / 1000).toFixed(0)} s, bot RSS ${now.rssMb.toFixed(0)} MB, ${now.fds} fds`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: lanes }, (_, k) => lane(k)));
    const wallMs = Date.now() - startedAt;
    const npm = world.bot?.child.pid ?? 0;
    let leftovers: string[] = [];
    // An archived session's process ends as it is archived; a just-ended one may still be reaped.
    await waitUntil(async () => {
      leftovers = await worldProcesses(world.home, [pid, npm]);
      return leftovers.length === 0;
    }, 10_000).catch(() => undefined);
    await waitUntil(async () => (await defunctClaudes(world.home)).length === 0, 5_000).catch(
      () => undefined,
    );
    return {
      cycles: options.cycles,
      lanes,
      wallMs,
      start,
      end: await sampleBot(pid),
      zombies: (await defunctClaudes(world.home)).length,
      leftovers,
      inconsistencies: await dataDirProblems(world.dataDir),
      steps,
    };
  } catch (error) {
    // The log lines of the session that failed say what happened to it (suspended, crashed, stopped).
    const named = String(error).match(/soak-[ab]\d+/)?.[0];
    const lines = (world.bot?.output() ?? '').split('\n');
    const relevant = named ? lines.filter((line) => line.includes(`"${named}"`)).slice(-30) : [];
    progress(
      `soak failed; bot output (tail):\n${lines.slice(-20).join('\n')}\n${named ?? ''}:\n${relevant.join('\n')}`,
    );
    throw error;
  } finally {
    await world.close();
  }
}
