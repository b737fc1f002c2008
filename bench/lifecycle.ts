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
import { type CliStamps, cliStampsOf, RELAY_PATH } from './relay-log.ts';
import { median } from './stats.ts';
import { formatTable } from './table.ts';
import { answerTo, command, measureBotTurn, until } from './through-bot.ts';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 10);
/** Each trial resumes a session of its own, the warm-up another: at most SESSIONS - 1. */
const RESUME_TRIALS = Math.min(Number(process.env.BENCH_RESUME_TRIALS ?? 9), SESSIONS - 1);
/** Sessions are set up with no idle timeout (the setup takes longer than a short one), then given this many minutes. */
const IDLE_MINUTES = 1;
const DEADLINE_MS = 300_000;
/** Issue 12: the bot adds at most this to the CLI's own cold resume. */
const RESUME_TARGET_MS = 10;
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

/**
 * One resume, split at the relay's stamps: `total` from the start (the message queued at Telegram, or
 * the CLI alone's spawn) to the answer; `in` from the start to the message at the CLI's stdin (for the
 * CLI alone: the SDK spawning the relay and the CLI); `cli` the CLI's own stretch, stdin to result;
 * `out` from the result on the CLI's stdout to the answer (at Telegram, or read by the CLI alone's SDK).
 */
interface ResumeTurn {
  total: number;
  in: number;
  /** `in`'s first part: from the start to the relay's process beginning (the caller's work and the spawn). */
  spawn: number;
  /** `in`'s rest: node starting the relay, which then reads the message (the same code in both). */
  boot: number;
  cli: number;
  out: number;
}

/**
 * The CLI's stretch ends at the assistant message holding the answer: the bot answers the owner from
 * it, before the CLI writes its result. The CLI alone's answer exists at that same line (`endAt`
 * undefined: its `out` is 0).
 */
function splitTurn(startAt: number, stamps: CliStamps, endAt?: number): ResumeTurn {
  const answerAt = stamps.answerAt ?? stamps.resultAt;
  if (stamps.startedAt === undefined) throw new Error('the relay logged no start for the resumed process');
  return {
    total: (endAt ?? answerAt) - startAt,
    in: stamps.inAt - startAt,
    spawn: stamps.startedAt - startAt,
    boot: stamps.inAt - stamps.startedAt,
    cli: answerAt - stamps.inAt,
    out: endAt === undefined ? 0 : endAt - answerAt,
  };
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

/** The resume rows: each stretch's median, through the bot and for the CLI alone, and the bot's share per pair. */
function resumeTable(bot: ResumeTurn[], alone: ResumeTurn[]): string {
  const share = bot.map((turn, i) => {
    const cli = alone[i] as ResumeTurn;
    return turn.in + turn.out - (cli.in + cli.out);
  });
  // The same without the relay's own start (node loading a script: the same code in both, and the
  // noisiest part of a start on a busy machine).
  const shareToSpawn = bot.map((turn, i) => turn.spawn + turn.out - (alone[i] as ResumeTurn).spawn);
  const row = (label: string, pick: (turn: ResumeTurn) => number): string[] => [
    label,
    median(bot.map(pick)).toFixed(1),
    median(alone.map(pick)).toFixed(1),
  ];
  const botShare = median(share);
  return formatTable(
    [
      { title: '' },
      { title: 'through the bot', align: 'right' },
      { title: 'CLI alone', align: 'right' },
      { title: 'target' },
    ],
    [
      row('whole: start -> answer', (turn) => turn.total),
      row("in: start -> message at the CLI's stdin", (turn) => turn.in),
      row("  of which start -> the relay's process begins (spawn)", (turn) => turn.spawn),
      row('  of which the relay starting -> message read', (turn) => turn.boot),
      row('CLI: stdin -> answer written (resuming the transcript)', (turn) => turn.cli),
      row('out: answer written -> answer at Telegram', (turn) => turn.out),
      [
        "the bot adds (in + out less the CLI alone's in, per pair)",
        botShare.toFixed(1),
        share.map((v) => v.toFixed(0)).join(' '),
        botShare <= RESUME_TARGET_MS ? `met: <= ${RESUME_TARGET_MS} ms` : `over ${RESUME_TARGET_MS} ms`,
      ],
      [
        "the bot adds, to the spawn (its spawn + out less the CLI alone's spawn, per pair)",
        median(shareToSpawn).toFixed(1),
        shareToSpawn.map((v) => v.toFixed(0)).join(' '),
        '',
      ],
    ],
  );
}
