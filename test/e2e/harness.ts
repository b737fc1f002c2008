/**
 * The world an end-to-end test runs in: a fake Telegram, a scripted fake model, a temporary
 * DATA_DIR and HOME, and the bot itself started as a user starts it (`npm start`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { processState } from '../../src/claude/proc-scan.ts';
import { type FakeAnthropic, type Script, startFakeAnthropic } from '../fakes/anthropic/index.ts';
import { type FakeTelegram, type RateLimitConfig, startFakeTelegram } from '../fakes/telegram/index.ts';

/** Each world's temporary root is named with this prefix. */
const WORLD_PREFIX = 'bridge-e2e-';
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** What the bot's node process runs under `npm start` (its command line holds it). */
export const BOT_ENTRY = 'scripts/start.mjs';
export const OWNER_ID = 424242;
export const STRANGER_ID = 666;

export interface BotProcess {
  readonly child: ChildProcess;
  /** Everything the bot printed so far (stdout and stderr). */
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal to `npm start` and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface World {
  tg: FakeTelegram;
  model: FakeAnthropic;
  dataDir: string;
  home: string;
  /** The environment the bot is started with (settings and Claude Code's). */
  env: Record<string, string>;
  bot?: BotProcess;
  /** Starts the bot and waits (up to `timeoutMs`, default 15 s) until it polls Telegram. */
  startBot(extraEnv?: Record<string, string>, timeoutMs?: number): Promise<BotProcess>;
  /** The owner writes in their private chat. */
  say(text: string): void;
  close(): Promise<void>;
}

/** Starts `npm start` in the project with exactly `env` (plus PATH), as a user would. */
export function startBotProcess(env: Record<string, string>): BotProcess {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function startWorld(
  options: {
    script?: Script;
    rateLimits?: false | Partial<RateLimitConfig>;
    /** The clock of the fake model's request stamps (default `Date.now`). */
    modelClock?: () => number;
    /** How long the fake Telegram holds a request it was told to time out (default 30 s). */
    timeoutFaultMs?: number;
    /** More settings for the bot's environment (such as ALLOWED_CHAT_IDS). */
    env?: Record<string, string>;
  } = {},
): Promise<World> {
  const root = await mkdtemp(path.join(os.tmpdir(), WORLD_PREFIX));
  const dataDir = path.join(root, 'data');
  const home = path.join(root, 'home');
  const tg = await startFakeTelegram({
    rateLimits: options.rateLimits ?? {},
    ...(options.timeoutFaultMs ? { timeoutFaultMs: options.timeoutFaultMs } : {}),
  });
  const model = await startFakeAnthropic({
    ...(options.script ? { script: options.script } : {}),
    ...(options.modelClock ? { now: options.modelClock } : {}),
  });
  const env: Record<string, string> = {
    TELEGRAM_BOT_TOKEN: tg.token,
    ALLOWED_USER_IDS: String(OWNER_ID),
    TELEGRAM_API_ROOT: tg.apiRoot,
    DATA_DIR: dataDir,
    HOME: home,
    ANTHROPIC_BASE_URL: model.baseUrl,
    ANTHROPIC_API_KEY: 'test-key',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_MAX_RETRIES: '1',
    LOG_LEVEL: 'debug',
    // Every message its own turn, as the tests expect; batching tests pass a window to startBot.
    BATCH_WINDOW_MS: '0',
    // A fake without flood limits (the benchmarks'): the bot's own pacing would be measured as latency.
    ...(options.rateLimits === false ? { TELEGRAM_FLOOD_PACING: 'off' } : {}),
    ...options.env,
  };
  const world: World = {
    tg,
    model,
    dataDir,
    home,
    env,
    async startBot(extraEnv = {}, timeoutMs = 15_000) {
      const bot = startBotProcess({ ...env, ...extraEnv });
      world.bot = bot;
      // Generous: on a loaded 2-core machine loading the bot's modules alone can take over 10 s.
      await waitUntil(
        () => tg.isPolling(),
        // A loaded machine (other work on 2 cores) can take long to compile and start the bot.
        Math.max(timeoutMs, 30_000),
        () => bot.output(),
      );
      return bot;
    },
    say(text) {
      tg.sendText({ userId: OWNER_ID, text });
    },
    async close() {
      const bot = world.bot;
      if (bot && bot.child.exitCode === null && bot.child.signalCode === null) {
        await Promise.race([bot.stop('SIGTERM'), delay(6_000)]);
        if (bot.child.pid && bot.child.exitCode === null) killGroup(bot.child.pid);
      }
      await Promise.allSettled([tg.close(), model.close()]);
      await rm(root, { recursive: true, force: true });
    },
  };
  return world;
}

/**
 * For a describe block: a world with its bot running before the first test, closed after the
 * last. `started` receives the world (and may prepare more, e.g. create a session).
 */
export function withRunningBot(
  started: (world: World) => void | Promise<void>,
  options: Parameters<typeof startWorld>[0] = {},
): void {
  let world: World | undefined;
  beforeAll(async () => {
    world = await startWorld(options);
    await world.startBot();
    await started(world);
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  }, 30_000);
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms\n${describe()}`);
    await delay(25);
  }
}

/** Live `claude` processes working for this world (found by their HOME), with their state letters. */
export async function claudeProcesses(
  home: string,
): Promise<Array<{ pid: number; state: string; cwd: string }>> {
  const { readdir, readFile, readlink } = await import('node:fs/promises');
  const found: Array<{ pid: number; state: string; cwd: string }> = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [cmdline, environ] = await Promise.all([
        readFile(`/proc/${entry}/cmdline`, 'utf8'),
        readFile(`/proc/${entry}/environ`, 'utf8'),
      ]);
      const program = path.basename(cmdline.split('\0')[0] ?? '');
      if (program !== 'claude' || !environ.split('\0').includes(`HOME=${home}`)) continue;
      const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
      found.push({ pid: Number(entry), state: processState(Number(entry)) ?? '?', cwd });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/**
 * `claude` processes this world's bot left defunct (zombies, not reaped): there must never be any.
 * `home`: this world's HOME.
 */
export async function defunctClaudes(home: string): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      if (!stat.includes('(claude) Z')) continue;
      // Its parent is the one that did not reap it. Only this world's bot counts: another world's
      // (test files run in parallel, a benchmark) is left to it, and one whose bot was killed (a
      // test's SIGKILL, here or in another world) now waits on init, which no bot controls.
      const parent = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
      const environ = (await readFile(`/proc/${parent}/environ`, 'utf8').catch(() => '')).split('\0');
      if (environ.includes(`HOME=${home}`)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
