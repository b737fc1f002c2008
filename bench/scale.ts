/**
 * `npm run bench` (third part, issue 13): the bot at scale. Turns per second with 20 live sessions
 * against a model that answers at once, beside the CLI alone in the same run, and the bot's RSS with
 * 200 sessions on disk and 20 live (bench/throughput.ts); the load run (test/e2e/load-run.ts: 20
 * sessions x 5 messages at once, 50 messages in 10 s in one chat, /help in another, flood limits on);
 * the soak run (test/e2e/soak-run.ts, BENCH_SOAK_CYCLES cycles, default 200). Targets are a column,
 * never an exit status. Each part ends every process it started.
 */
import os from 'node:os';
import { loadTable, runLoad } from '../test/e2e/load-run.ts';
import { runSoak } from '../test/e2e/soak-run.ts';
import { soakTable } from '../test/e2e/soak-table.ts';
import { rssFloorMb } from './rss-floor.ts';
import { SESSIONS_ON_DISK } from './startup.ts';
import { formatTable } from './table.ts';
import { benchThroughput, type ThroughputResult } from './throughput.ts';

const LIVE = 20;
const TURNS_EACH = Number(process.env.BENCH_TURNS_EACH ?? 5);
const SOAK_CYCLES = Number(process.env.BENCH_SOAK_CYCLES ?? 200);
/** Chats cycling at once in the soak (a cycle is mostly Claude Code cold starts: 3 fit 2 cores). */
const SOAK_LANES = Number(process.env.BENCH_SOAK_LANES ?? 3);
/** Issue 13: the bot's own RSS with 200 sessions on disk and 20 live. */
const RSS_TARGET_MB = 100;
const progress = (line: string) => process.stderr.write(`bench scale: ${line}\n`);
const load = () => `1-min load average ${(os.loadavg()[0] ?? 0).toFixed(1)} on ${os.cpus().length} cores`;

function throughputTable(r: ThroughputResult, floorMb: number): string {
  const rssMet = r.botRss.peak < RSS_TARGET_MB;
  return formatTable(
    [{ title: '' }, { title: 'value', align: 'right' }, { title: 'target' }, { title: '' }],
    [
      [
        `turns/s through the bot, ${r.live} live sessions x ${r.turnsEach} at once`,
        r.botTurnsPerSecond.toFixed(1),
        '',
        '',
      ],
      [
        `turns/s, CLI alone: ${r.live} SDK sessions from a plain script (baseline)`,
        r.directTurnsPerSecond.toFixed(1),
        '',
        '',
      ],
      ['bot / CLI alone', (r.botTurnsPerSecond / r.directTurnsPerSecond).toFixed(2), '', ''],
      [
        `bot RSS, ${SESSIONS_ON_DISK} on disk, none live, just started (MB)`,
        r.botRss.started.toFixed(0),
        '',
        '',
      ],
      [
        `bot RSS, ${SESSIONS_ON_DISK} on disk, ${r.live} live, after the turns (MB)`,
        r.botRss.live.toFixed(0),
        '',
        '',
      ],
      [
        `bot RSS peak during the turns (MB, CLI children excluded)`,
        r.botRss.peak.toFixed(0),
        `< ${RSS_TARGET_MB} MB`,
        rssMet ? 'met' : 'missed',
      ],
      [
        '  of it anonymous (JS heap, malloc) / file-backed (node, libraries) (MB)',
        `${r.peakParts.anon.toFixed(0)} / ${r.peakParts.file.toFixed(0)}`,
        '',
        '',
      ],
      ["node with the bot's dependencies imported, running nothing (floor, MB)", floorMb.toFixed(0), '', ''],
    ],
  );
}

async function main(): Promise<void> {
  progress(`${LIVE} live sessions through the bot, then ${LIVE} CLIs alone (${load()})`);
  const throughput = await benchThroughput(LIVE, TURNS_EACH);
  const floor = await rssFloorMb();
  console.log(`\nThroughput with ${LIVE} live sessions, instant model, flood limits off\n`);
  console.log(throughputTable(throughput, floor));

  progress(`load: ${LIVE} sessions x 5 messages at once, 50 messages in 10 s, /help meanwhile (${load()})`);
  const loaded = await runLoad({
    sessions: LIVE,
    perSession: 5,
    burstMessages: 50,
    burstSeconds: 10,
    progress,
  });
  console.log('\nLoad, strict fake Telegram with its flood limits on\n');
  console.log(loadTable(loaded));

  progress(`soak: ${SOAK_CYCLES} cycles in ${SOAK_LANES} chats at once (${load()})`);
  const soak = await runSoak({ cycles: SOAK_CYCLES, lanes: SOAK_LANES, progress });
  console.log(
    `\nSoak: ${SOAK_CYCLES} cycles of create, switch, message, kill, stop, idle suspend, resume, archive\n`,
  );
  console.log(soakTable(soak));
  console.log(
    [
      '',
      'Notes:',
      '- Throughput: the fake model answers at once; through the bot each session is the active one of its own group',
      `  and gets its ${TURNS_EACH} messages at once (queued by the bot), the CLI alone gets them one after the other;`,
      '  both from the first message sent to the last answer. Bot RSS is VmRSS of the node process running',
      `  scripts/start.mjs (the bot) alone; ${SESSIONS_ON_DISK - LIVE} sessions are written to disk before it starts.`,
      '  The floor is a node started with the same environment and flags as npm start (bench/rss-floor.ts).',
      '- Load: flood limits ON (startWorld default). /help is asked every 1.2 s by a second allowed user in',
      '  their private chat; its latency runs from the update queued at the fake to the reply arriving there.',
      "  CPU per turn is the bot process's utime+stime over the run (/proc/<pid>/stat) divided by the messages",
      '  sent; it includes the /help probes, typing, drafts and the status lines.',
      `- Soak: each cycle costs four Claude Code cold starts (two /new, the restart after the kill, the resume)`,
      '  and an idle timeout of 8 s; BENCH_SOAK_CYCLES sets the cycle count (default 200), BENCH_SOAK_LANES how many',
      "  chats (the owner's and allowed groups) run cycles at once (default 3); the time row says what it took.",
      `- ${load()} at the end.`,
    ].join('\n'),
  );
}

await main();
