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
import pino from 'pino';
import { residentMemoryOf } from '../src/claude/proc-memory.ts';
import { createClaudeSession } from '../src/claude/process.ts';
import { SETTING_NAMES } from '../src/config/settings.ts';
import { SessionStore } from '../src/sessions/session-store.ts';
import { claudeProcesses, delay, startWorld, type World } from '../test/e2e/harness.ts';
import { monotonicMs } from '../test/fakes/monotonic.ts';
import { median } from './stats.ts';
import { formatTable } from './table.ts';
import { answerTo, command, measureBotTurn, until } from './through-bot.ts';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 10);
const RESUME_TRIALS = 3;
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

/** The CLI alone: a process resuming `sessionId` in `cwd`, sent `text`; ms from spawn to its result. */
async function cliAloneResume(world: World, cwd: string, sessionId: string, text: string): Promise<number> {
  const env = Object.fromEntries(Object.entries(world.env).filter(([name]) => !SETTING_NAMES.includes(name)));
  const startedAt = monotonicMs();
  const session = createClaudeSession({
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    resume: sessionId,
    logger: pino({ level: 'silent' }),
  });
  let answeredAt: number | undefined;
  session.on((event) => {
    if (event.type === 'completed' && event.answer === answerTo(text)) answeredAt = monotonicMs();
  });
  try {
    session.send(text);
    await until(() => answeredAt !== undefined, 30_000, `the CLI alone's answer to ${text}`);
    return (answeredAt as number) - startedAt;
  } finally {
    await session.close();
  }
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

  const store = new SessionStore({
    dataDir: world.dataDir,
    now: () => new Date(),
    logger: pino({ level: 'silent' }),
  });
  const bot: number[] = [];
  const alone: number[] = [];
  for (let i = 0; i < RESUME_TRIALS; i++) {
    const session = await store.get(`s-${i}`);
    const id = session?.metadata.claude_session_id;
    if (!session || !id) throw new Error(`s-${i} has no Claude session to resume`);
    progress(`resume ${i + 1}/${RESUME_TRIALS}: the CLI alone and through the bot, same transcript`);
    const throughBot = async () => {
      const turn = await measureBotTurn(world, chatOf(i), `bot resume ${i}`);
      bot.push(turn.replyAt - turn.queuedAt);
    };
    // Alternating which goes first, so neither always resumes the longer transcript.
    if (i % 2 === 1) await throughBot();
    alone.push(await cliAloneResume(world, session.dir, id, `alone resume ${i}`));
    if (i % 2 === 0) await throughBot();
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
    const botAdds = median(r.bot) - median(r.alone);
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
    console.log(`\nFirst reply of a suspended session (${RESUME_TRIALS} trials, ms, median)\n`);
    console.log(
      formatTable(
        [{ title: '' }, { title: 'median', align: 'right' }, { title: 'each' }, { title: 'target' }],
        [
          [
            'through the bot (message queued -> answer at Telegram)',
            median(r.bot).toFixed(0),
            r.bot.map((v) => v.toFixed(0)).join(' '),
            '',
          ],
          [
            'CLI alone resuming the same transcript (spawn -> result)',
            median(r.alone).toFixed(0),
            r.alone.map((v) => v.toFixed(0)).join(' '),
            '',
          ],
          [
            'the bot adds',
            botAdds.toFixed(0),
            '',
            botAdds <= RESUME_TARGET_MS ? 'met' : `over ${RESUME_TARGET_MS} ms`,
          ],
        ],
      ),
    );
    console.log(
      `\nNotes: load average ${loadAtStart.toFixed(1)} at the start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end, on ${os.cpus().length} cores.` +
        " 'Through the bot' includes Telegram's long poll, the 'Resuming…' reply sent first, and the answer's sendMessage;" +
        " the CLI alone's figure starts at its spawn. Resident memory counts each process tree once (VmRSS).",
    );
  } finally {
    clearTimeout(deadline);
    await cleanUp();
  }
}

await main();
