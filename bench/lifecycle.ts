/**
 * `npm run bench` (second part): what idle suspend gives back and what resume costs. The real bot
 * (`npm start`; `/timeout 1` once the sessions are used), the real Claude Code CLI, the fake model and Telegram.
 * - Memory: RSS of every Claude Code process (and its descendants) with N sessions used, then once
 *   idle suspend has ended them; the bot's own RSS beside it. Target: back to the bot alone.
 * - Resume: from a message to a suspended session to its answer at Telegram, beside the CLI alone
 *   (src/claude/process.ts in this script) resuming the same transcript in the same run.
 * Targets are a column, never an exit status. Ends every process it started.
 */
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { residentMemoryOf } from '../src/claude/proc-memory.ts';
import { createClaudeSession } from '../src/claude/process.ts';
import { bridgeSessionOptions } from '../src/claude/tools/bridge.ts';
import { SessionStore } from '../src/sessions/session-store.ts';
import { claudeProcesses, delay, startWorld, type World } from '../test/e2e/harness.ts';
import { monotonicMs } from '../test/fakes/monotonic.ts';
import { claudeEnv } from './direct.ts';
import { cliStampsOf, RELAY_PATH } from './relay-log.ts';
import { type ResumeTurn, resumeTable, splitTurn } from './resume-table.ts';
import { formatTable } from './table.ts';
import { answerTo, command, measureBotTurn, until } from './through-bot.ts';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 10);
/** Each trial resumes a session of its own, the warm-up another: at most SESSIONS - 1. */
const RESUME_TRIALS = Math.min(Number(process.env.BENCH_RESUME_TRIALS ?? 9), SESSIONS - 1);
/** Sessions are set up with no idle timeout (the setup takes longer than a short one), then given this many minutes. */
const IDLE_MINUTES = 1;
const DEADLINE_MS = 300_000;
const chatOf = (i: number) => -1_000_200 - i;
const progress = (line: string) => process.stderr.write(`bench lifecycle: ${line}\n`);
const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(0)} MB`;

async function memory(world: World): Promise<{ claude: number; claudeCount: number; bot: number }> {
  const pids = (await claudeProcesses(world.home)).map((p) => p.pid);
  const claude = await residentMemoryOf(pids);
  const botPid = world.bot?.child.pid;
  const botTree = botPid === undefined ? 0 : await residentMemoryOf([botPid]);
  return { claude, claudeCount: pids.length, bot: botTree - claude };
}

/** The CLI alone, through the same relay as the bot: a process resuming `sessionId` in `cwd`, sent `text`. */
async function cliAloneResume(
  world: World,
  relayLog: string,
  cwd: string,
  sessionId: string,
  text: string,
): Promise<ResumeTurn> {
  const startedAt = monotonicMs();
  const session = createClaudeSession({
    cwd,
    env: { ...claudeEnv(world.env), BENCH_RELAY_LOG: relayLog },
    // Configured as the bot configures a session, so the CLI starts the same way in both: the bridge's
    // MCP server (the CLI lists its tools while it starts) and a permission callback.
    ...bridgeSessionOptions({ sessionDir: cwd, sendFile: async () => ({ kind: 'sent' }) }),
    askPermission: async () => ({ allow: true }),
    claudePath: RELAY_PATH,
    resume: sessionId,
    logger: pino({ level: 'silent' }),
  });
  let answeredAt: number | undefined;
  session.on((event) => {
    if (event.type === 'completed' && event.answer === answerTo(text)) answeredAt = monotonicMs();
  });
  try {
    session.send(text);
    await until(() => answeredAt !== undefined, 90_000, `the CLI alone's answer to ${text}`);
  } finally {
    await session.close();
  }
  const stamps = await cliStampsOf(relayLog, text, answerTo(text));
  if (!stamps) throw new Error(`the relay logged no stamps for ${JSON.stringify(text)}`);
  return splitTurn(startedAt, stamps);
}

async function measure(world: World) {
  const groups = Array.from({ length: SESSIONS }, (_, i) => chatOf(i)).join(',');
  await world.startBot({ LOG_LEVEL: 'info', SESSION_IDLE_TIMEOUT: '0', ALLOWED_CHAT_IDS: groups });
  const idle = await memory(world);
  progress(`${SESSIONS} sessions, each used once, each the active session of its own chat`);
  for (let i = 0; i < SESSIONS; i++) {
    await command(world, chatOf(i), `/new s-${i}`, `Session 's-${i}' created.`);
    await measureBotTurn(world, chatOf(i), `s-${i} hello`);
  }
  const busy = await memory(world);
  progress(`/timeout ${IDLE_MINUTES} in every chat, then waiting for idle suspend`);
  for (let i = 0; i < SESSIONS; i++)
    await command(
      world,
      chatOf(i),
      `/timeout ${IDLE_MINUTES}`,
      `Idle timeout for 's-${i}': ${IDLE_MINUTES} min.`,
    );
  let left = SESSIONS;
  const watcher = setInterval(() => {
    void claudeProcesses(world.home).then((found) => {
      left = found.length;
    });
  }, 100);
  await until(() => left === 0, (IDLE_MINUTES + 1) * 60_000, 'idle suspend').finally(() =>
    clearInterval(watcher),
  );
  await delay(500);
  const suspended = await memory(world);

  // Resume, with Claude Code run through bench/cli-relay.mjs (as the CLI alone is), which stamps the
  // message at the CLI's stdin and the result leaving it: the bot's share is measured inside each turn.
  // Restarted for that (the relay is a process of the bot's own, which the memory rows must not count):
  // every session comes back suspended, as after idle suspend.
  const relayLog = path.join(path.dirname(world.home), 'lifecycle-relay.log');
  await world.bot?.stop('SIGTERM');
  await world.startBot({
    LOG_LEVEL: 'info',
    SESSION_IDLE_TIMEOUT: '0',
    ALLOWED_CHAT_IDS: groups,
    CLAUDE_PATH: RELAY_PATH,
    BENCH_RELAY_LOG: relayLog,
  });

  const store = new SessionStore({
    dataDir: world.dataDir,
    now: () => new Date(),
    logger: pino({ level: 'silent' }),
  });
  const bot: ResumeTurn[] = [];
  const alone: ResumeTurn[] = [];
  const resumePair = async (i: number, measured: boolean) => {
    const session = await store.get(`s-${i}`);
    const id = session?.metadata.claude_session_id;
    if (!session || !id) throw new Error(`s-${i} has no Claude session to resume`);
    const throughBot = async () => {
      const turn = await measureBotTurn(world, chatOf(i), `bot resume ${i}`, { relayLog, timeoutMs: 90_000 });
      if (!turn.cli) throw new Error('the relay logged no stamps for a resume through the bot');
      if (measured) bot.push(splitTurn(turn.queuedAt, turn.cli, turn.replyAt));
    };
    // Alternating which goes first, so neither always resumes the longer transcript.
    if (i % 2 === 1) await throughBot();
    const cli = await cliAloneResume(world, relayLog, session.dir, id, `alone resume ${i}`);
    if (measured) alone.push(cli);
    if (i % 2 === 0) await throughBot();
  };
  // One pair not counted: the bot was just restarted, and its first process start pays one-time costs
  // (the JIT, the SDK's and the MCP server's first use) that a bot running for days paid long ago.
  progress('resume warm-up: one pair, not counted');
  await resumePair(SESSIONS - 1, false);
  for (let i = 0; i < RESUME_TRIALS; i++) {
    progress(`resume ${i + 1}/${RESUME_TRIALS}: the CLI alone and through the bot, same transcript`);
    await resumePair(i, true);
  }
  return { idle, busy, suspended, bot, alone };
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0] ?? 0;
  const world = await startWorld({ rateLimits: false, modelClock: monotonicMs });
  const cleanUp = async () => {
    await world.close();
    for (const { pid } of await claudeProcesses(world.home)) process.kill(pid, 'SIGKILL');
  };
  const deadline = setTimeout(() => {
    progress(`over ${DEADLINE_MS / 1000} s: cleaning up`);
    void cleanUp().finally(() => process.exit(1));
  }, DEADLINE_MS);
  try {
    const r = await measure(world);
    console.log(`\nMemory with ${SESSIONS} sessions used, before and after idle suspend\n`);
    console.log(
      formatTable(
        [
          { title: '' },
          { title: 'claude processes', align: 'right' },
          { title: 'their RSS', align: 'right' },
          { title: 'the bot alone', align: 'right' },
          { title: 'target' },
        ],
        [
          ['bot started, no session', String(r.idle.claudeCount), mb(r.idle.claude), mb(r.idle.bot), ''],
          [`${SESSIONS} sessions used`, String(r.busy.claudeCount), mb(r.busy.claude), mb(r.busy.bot), ''],
          [
            `after ${IDLE_MINUTES} min idle`,
            String(r.suspended.claudeCount),
            mb(r.suspended.claude),
            mb(r.suspended.bot),
            r.suspended.claudeCount === 0 ? 'met: the bot alone' : 'MISSED',
          ],
        ],
      ),
    );
    console.log(`\nFirst reply of a suspended session (${RESUME_TRIALS} trials, ms)\n`);
    console.log(resumeTable(r.bot, r.alone));
    console.log(
      `\nNotes: load average ${loadAtStart.toFixed(1)} at the start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end, on ${os.cpus().length} cores.` +
        ' Resident memory counts each process tree once (VmRSS).' +
        " Resume: both run Claude Code through bench/cli-relay.mjs, which stamps the message reaching the CLI's stdin and" +
        " the answer leaving its stdout (its assistant message, written before the result). Through the bot, 'in' runs" +
        " from the message queued at Telegram (long poll, the 'Resuming…' reply, the process start) and 'out' from the" +
        " answer leaving the CLI to the answer at Telegram; for the CLI alone, 'in' runs from its spawn and the answer is" +
        " there as the CLI writes it. The bot's share is its in + out less the CLI alone's in (spawning the relay and the" +
        ' CLI: what any program driving the CLI pays), per pair. The relay also stamps its own process start, which splits' +
        " 'in' at the spawn: the bot's share to the spawn leaves out node starting the relay (the same code in both).",
    );
  } finally {
    clearTimeout(deadline);
    await cleanUp();
  }
}

await main();
