/**
 * One load run, end to end with the real CLI and the strict fake Telegram's flood limits on: N
 * sessions (each the active session of its own listed group) receive M messages at once, while one
 * private chat sends a burst of messages, and a second allowed user asks /help in their own chat
 * again and again. Every message must be answered, in order per session, with no 429. Used by the
 * short form in `npm test` (load.test.ts) and by `npm run bench` (bench/scale.ts), which prints the
 * timing: /help latency meanwhile (update queued at the fake -> reply arriving there), the bot's CPU
 * time per turn (/proc/<pid>/stat) and its RSS.
 */
import { formatTable, ms } from '../../bench/table.ts';
import { answerTo, command } from '../../bench/through-bot.ts';
import { monotonicMs } from '../fakes/monotonic.ts';
import { type BotSample, botPid, sampleBot } from './bot-proc.ts';
import { claudeProcesses, delay, OWNER_ID, startWorld, type World, waitUntil } from './harness.ts';

export interface LoadOptions {
  sessions: number;
  /** Messages each session receives at once. */
  perSession: number;
  /** Messages the private chat sends, evenly over `burstSeconds`. */
  burstMessages: number;
  burstSeconds: number;
  progress?: (line: string) => void;
}

export interface LoadResult {
  options: Omit<LoadOptions, 'progress'>;
  sent: number;
  answered: number;
  /** Chats whose answers did not arrive in the order their messages were sent. */
  outOfOrder: string[];
  /** Calls the strict fake refused with 429 Too Many Requests. */
  tooMany: number;
  /** /help in another chat meanwhile: update queued at the fake -> reply arriving there (ms). */
  helpMs: number[];
  /** From the first message queued to the last answer arriving (ms). */
  wallMs: number;
  before: BotSample;
  after: BotSample;
  peakRssMb: number;
}

/** A second allowed user, whose private chat asks /help while the others load the bot. */
const PROBE_USER = 424_243;
const groupOf = (i: number) => -1_000_300 - i;
const two = (n: number) => String(n).padStart(2, '0');
const sessionText = (i: number, m: number) => `load s${two(i)} m${two(m)}`;
const burstText = (m: number) => `burst m${two(m)}`;
const PROBE_GAP_MS = 1_200;
const HELP_FIRST_LINE = 'Claude Code sessions and homelab status from your phone.';

/** Whether `texts` each appear answered in `chat`, in order; how many were answered. */
function checkChat(world: World, chat: number, texts: string[]): { answered: number; inOrder: boolean } {
  const shown = world.tg.messages(chat).map((message) => message.text);
  const positions = texts.map((text) => shown.findIndex((line) => line.includes(answerTo(text))));
  const answered = positions.filter((at) => at >= 0).length;
  const inOrder = positions.every((at, i) => i === 0 || at > (positions[i - 1] ?? -1));
  return { answered, inOrder };
}

/** /help again and again in the probe chat until `stop`; the latency of each. */
async function probeHelp(world: World, stop: () => boolean): Promise<number[]> {
  const samples: number[] = [];
  while (!stop()) {
    const callsBefore = world.tg.calls.length;
    const queuedAt = monotonicMs();
    world.tg.sendText({ userId: PROBE_USER, text: '/help' });
    let reply: { monotonicAt: number } | undefined;
    await waitUntil(
      () => {
        reply = world.tg.calls
          .slice(callsBefore)
          .find(
            (call) =>
              call.method === 'sendMessage' &&
              call.status === 200 &&
              String(call.params.chat_id) === String(PROBE_USER) &&
              String(call.params.text ?? '').startsWith(HELP_FIRST_LINE),
          );
        return reply !== undefined;
      },
      30_000,
      () => 'the /help reply',
    );
    samples.push((reply as { monotonicAt: number }).monotonicAt - queuedAt);
    // A person's pace, within the 1 message/s a chat may receive: faster, the probe's own replies
    // would wait for their chat's flood limit and measure that instead.
    await delay(PROBE_GAP_MS);
  }
  return samples;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const progress = options.progress ?? (() => undefined);
  const groups = Array.from({ length: options.sessions }, (_, i) => groupOf(i));
  const world = await startWorld({
    env: {
      ALLOWED_USER_IDS: `${OWNER_ID},${PROBE_USER}`,
      ALLOWED_CHAT_IDS: groups.join(','),
    },
  });
  try {
    await world.startBot({ LOG_LEVEL: 'info' }, 60_000);
    const pid = await botPid(world);
    progress(`${options.sessions} sessions, each the active session of its own group`);
    for (const [i, chat] of groups.entries()) await command(world, chat, `/new load-${i}`, 'created.');
    await command(world, OWNER_ID, '/new burst', "Session 'burst' created.");
    const expected = new Map<number, string[]>(
      groups.map((chat, i) => [
        chat,
        Array.from({ length: options.perSession }, (_, m) => sessionText(i, m)),
      ]),
    );
    expected.set(
      OWNER_ID,
      Array.from({ length: options.burstMessages }, (_, m) => burstText(m)),
    );
    const sent = [...expected.values()].reduce((sum, texts) => sum + texts.length, 0);
    const answeredAll = () =>
      [...expected].every(([chat, texts]) => checkChat(world, chat, texts).answered === texts.length);

    const before = await sampleBot(pid);
    let peakRssMb = before.rssMb;
    let done = false;
    const sampling = (async () => {
      while (!done) {
        peakRssMb = Math.max(peakRssMb, (await sampleBot(pid)).rssMb);
        await delay(200);
      }
    })();
    const help = probeHelp(world, () => done);
    progress(
      `${sent} messages: ${options.perSession} at once to each session, ${options.burstMessages} in ${options.burstSeconds} s in one chat`,
    );
    const startedAt = monotonicMs();
    for (const [i, chat] of groups.entries())
      for (let m = 0; m < options.perSession; m++)
        world.tg.sendText({ userId: OWNER_ID, chatId: chat, text: sessionText(i, m) });
    const gapMs = (options.burstSeconds * 1000) / options.burstMessages;
    for (let m = 0; m < options.burstMessages; m++) {
      world.say(burstText(m));
      await delay(gapMs);
    }
    await waitUntil(answeredAll, 60_000 + sent * 3_000).catch(() => undefined);
    const wallMs = monotonicMs() - startedAt;
    done = true;
    const [helpMs] = await Promise.all([help, sampling]);
    const after = await sampleBot(pid);
    let answered = 0;
    const outOfOrder: string[] = [];
    for (const [chat, texts] of expected) {
      const checked = checkChat(world, chat, texts);
      answered += checked.answered;
      if (!checked.inOrder) outOfOrder.push(String(chat));
    }
    progress(`${answered}/${sent} answered in ${(wallMs / 1000).toFixed(1)} s`);
    return {
      options: {
        sessions: options.sessions,
        perSession: options.perSession,
        burstMessages: options.burstMessages,
        burstSeconds: options.burstSeconds,
      },
      sent,
      answered,
      outOfOrder,
      tooMany: world.tg.calls.filter((call) => call.status === 429).length,
      helpMs,
      wallMs,
      before,
      after,
      peakRssMb,
    };
  } finally {
    await world.close();
    for (const { pid } of await claudeProcesses(world.home)) process.kill(pid, 'SIGKILL');
  }
}

export function loadTable(result: LoadResult): string {
  const { options } = result;
  const turns = result.sent;
  const cpuPerTurn = (result.after.cpuMs - result.before.cpuMs) / turns;
  const slowestHelp = result.helpMs.length ? Math.max(...result.helpMs) : Number.NaN;
  const sortedHelp = [...result.helpMs].sort((a, b) => a - b);
  const medianHelp = sortedHelp[Math.floor(sortedHelp.length / 2)] ?? Number.NaN;
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  return formatTable(
    [{ title: '' }, { title: 'value', align: 'right' }, { title: 'target' }, { title: '' }],
    [
      [
        `messages (${options.sessions} sessions x ${options.perSession} at once + ${options.burstMessages} in ${options.burstSeconds} s)`,
        String(result.sent),
        '',
        '',
      ],
      ['answered', String(result.answered), `= ${result.sent}`, met(result.answered === result.sent)],
      [
        'chats answered out of order',
        String(result.outOfOrder.length),
        '0',
        met(result.outOfOrder.length === 0),
      ],
      ['429 from the strict fake', String(result.tooMany), '0', met(result.tooMany === 0)],
      [
        `/help in another chat meanwhile, slowest of ${result.helpMs.length} (ms)`,
        ms(slowestHelp),
        '< 200 ms',
        met(slowestHelp < 200),
      ],
      ['/help meanwhile, median (ms)', ms(medianHelp), '', ''],
      ['/help meanwhile over 200 ms (count)', String(result.helpMs.filter((v) => v >= 200).length), '0', ''],
      ['first message queued -> last answer (s)', (result.wallMs / 1000).toFixed(1), '', ''],
      ['bot CPU time per turn (ms, utime+stime)', ms(cpuPerTurn), '', ''],
      ['bot RSS before / peak / after (MB)', rssRow(result), '', ''],
    ],
  );
}

const rssRow = (result: LoadResult) =>
  [result.before.rssMb, result.peakRssMb, result.after.rssMb].map((mb) => mb.toFixed(0)).join(' / ');
