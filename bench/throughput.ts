/**
 * Turns per second with many live sessions against a model that answers at once: through the bot
 * (`npm start`, each session the active one of its own group, every session sent its messages at
 * once), then the CLI alone (as many Claude Code processes driven by src/claude/process.ts in this
 * script, each sent its messages one after the other, all at once), in the same run. Also the bot's
 * own RSS (its children excluded) with SESSIONS_ON_DISK sessions on disk and those live.
 */
import path from 'node:path';
import pino from 'pino';
import { SessionStore } from '../src/sessions/session-store.ts';
import { botPid, type RssParts, rssMb, rssParts } from '../test/e2e/bot-proc.ts';
import { claudeProcesses, delay, OWNER_ID, startWorld, type World, waitUntil } from '../test/e2e/harness.ts';
import { monotonicMs } from '../test/fakes/monotonic.ts';
import { claudeEnv, type DirectSession, type DirectSetup, openDirect } from './direct.ts';
import { SESSIONS_ON_DISK, shippedDefaultPersona } from './startup.ts';
import { answerTo, command } from './through-bot.ts';

export interface ThroughputResult {
  live: number;
  turnsEach: number;
  botTurnsPerSecond: number;
  directTurnsPerSecond: number;
  /** The bot's VmRSS (MB): started with the sessions on disk; with the live ones after their turns; its peak. */
  botRss: { started: number; live: number; peak: number };
  /** The peak's anonymous and file-backed parts. */
  peakParts: RssParts;
}

const groupOf = (i: number) => -1_000_400 - i;

async function sessionsOnDisk(world: World, count: number, persona: Parameters<SessionStore['create']>[1]) {
  const sessions = new SessionStore({
    dataDir: world.dataDir,
    now: () => new Date(),
    logger: pino({ level: 'silent' }),
  });
  for (let index = 0; index < count; index++) {
    const name = `on-disk-${index}`;
    await sessions.create(name, persona);
    await sessions.update(name, {
      claude_session_id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    });
  }
}

/** Sends each chat its texts at once; resolves with the seconds until every answer arrived. */
async function allAnswered(world: World, byChat: Map<number, string[]>): Promise<number> {
  const startedAt = monotonicMs();
  for (const [chatId, texts] of byChat)
    for (const text of texts) world.tg.sendText({ userId: OWNER_ID, chatId, text });
  const answered = () =>
    [...byChat].every(([chatId, texts]) => {
      const shown = world.tg.messages(chatId).map((message) => message.text);
      return texts.every((text) => shown.some((line) => line.includes(answerTo(text))));
    });
  await waitUntil(answered, 300_000, () => 'every answer through the bot');
  return (monotonicMs() - startedAt) / 1000;
}

async function throughBot(world: World, live: number, turnsEach: number) {
  const groups = Array.from({ length: live }, (_, i) => groupOf(i));
  await world.startBot(
    { LOG_LEVEL: 'info', SESSION_IDLE_TIMEOUT: '0', ALLOWED_CHAT_IDS: groups.join(',') },
    60_000,
  );
  const pid = await botPid(world);
  const started = await rssMb(pid);
  for (const [i, chat] of groups.entries()) await command(world, chat, `/new live-${i}`, 'created.');
  // Every process started and answering before the measured turns.
  await allAnswered(world, new Map(groups.map((chat, i) => [chat, [`live-${i} warm-up`]])));
  let peak = await rssParts(pid);
  let measuring = true;
  const sampling = (async () => {
    while (measuring) {
      const sample = await rssParts(pid);
      if (sample.rss > peak.rss) peak = sample;
      await delay(100);
    }
  })();
  const seconds = await allAnswered(
    world,
    new Map(
      groups.map((chat, i) => [chat, Array.from({ length: turnsEach }, (_, t) => `live-${i} turn ${t}`)]),
    ),
  );
  measuring = false;
  await sampling;
  await delay(1_000);
  const liveRss = await rssMb(pid);
  await world.bot?.stop('SIGTERM');
  await waitUntil(async () => (await claudeProcesses(world.home)).length === 0, 20_000);
  return {
    turnsPerSecond: (live * turnsEach) / seconds,
    rss: { started, live: liveRss, peak: Math.max(started, peak.rss) },
    peakParts: peak,
  };
}

async function cliAlone(setup: DirectSetup, live: number, turnsEach: number): Promise<number> {
  const sessions: DirectSession[] = [];
  try {
    for (let i = 0; i < live; i++) sessions.push(await openDirect(setup, `direct-${i}`));
    await Promise.all(sessions.map((session, i) => session.turn(`direct-${i} warm-up`)));
    const startedAt = monotonicMs();
    await Promise.all(
      sessions.map(async (session, i) => {
        for (let t = 0; t < turnsEach; t++) await session.turn(`direct-${i} turn ${t}`);
      }),
    );
    return (live * turnsEach) / ((monotonicMs() - startedAt) / 1000);
  } finally {
    await Promise.allSettled(sessions.map((session) => session.close()));
  }
}

export async function benchThroughput(live: number, turnsEach: number): Promise<ThroughputResult> {
  const world = await startWorld({ rateLimits: false, modelClock: monotonicMs });
  const cleaning = new AbortController();
  const logger = pino({ level: 'silent' });
  const persona = await shippedDefaultPersona(world.dataDir, logger);
  const setup: DirectSetup = {
    model: world.model,
    root: path.join(path.dirname(world.home), 'direct'),
    env: claudeEnv(world.env),
    personaPrompt: persona.system_prompt,
    live: new Set(),
    signal: cleaning.signal,
  };
  try {
    await sessionsOnDisk(world, SESSIONS_ON_DISK - live, persona);
    const bot = await throughBot(world, live, turnsEach);
    const directTurnsPerSecond = await cliAlone(setup, live, turnsEach);
    return {
      live,
      turnsEach,
      botTurnsPerSecond: bot.turnsPerSecond,
      directTurnsPerSecond,
      botRss: bot.rss,
      peakParts: bot.peakParts,
    };
  } finally {
    cleaning.abort();
    await Promise.allSettled([...setup.live].map((session) => session.close()));
    await world.close();
    for (const { pid } of await claudeProcesses(world.home)) process.kill(pid, 'SIGKILL');
  }
}
