/**
 * `npm run chaos`: the chaos run of test/e2e/chaos-run.ts at full length, with its table: the model
 * API overloaded for a minute (Claude Code's default 10 retries outlast it). Exits 1 when a message
 * was lost or answered twice, or the owner was not told what they should have been. Needs root: DATA_DIR is a tmpfs
 * of its own, for a real read-only and full disk.
 */
import { chaosTable, runChaos } from '../test/e2e/chaos-run.ts';

const messages = Number(process.env.CHAOS_MESSAGES ?? 30);
const overloadMs = Number(process.env.CHAOS_OVERLOAD_MS ?? 60_000);
const faultRate = Number(process.env.CHAOS_FAULT_RATE ?? 0.2);
const tally = await runChaos({
  messages,
  faultRate,
  overloadMs,
  modelRetries: 10,
  progress: (line) => process.stderr.write(`${line}\n`),
});
console.log(
  `\nChaos: ${messages} messages with ${Math.round(faultRate * 100)}% of Telegram calls failing (429, 500, reset, timeout; ${tally.telegramFaults} failed), ` +
    `Claude Code and the bot killed; DATA_DIR full; a damaged metadata.json and journal; ` +
    `the model API answering 529 for ${overloadMs / 1000} s (${tally.overloadAnswers} answers); DATA_DIR read-only\n`,
);
console.log(chaosTable(tally));
for (const problem of tally.problems) console.log(`problem: ${problem}`);
if (tally.total.lost > 0 || tally.total.answeredTwice > 0 || tally.problems.length > 0) process.exitCode = 1;
