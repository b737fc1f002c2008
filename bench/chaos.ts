/**
 * `npm run chaos`: the chaos run of test/e2e/chaos-run.ts at full length, with its table. Exits 1
 * when a message was lost or answered twice.
 */
import { chaosTable, runChaos } from '../test/e2e/chaos-run.ts';

const messages = Number(process.env.CHAOS_MESSAGES ?? 30);
const tally = await runChaos({
  messages,
  faultRate: 0.2,
  progress: (line) => process.stderr.write(`${line}\n`),
});
console.log(`\nChaos: ${messages} messages, 20% of Telegram calls failing (429, 500, reset, timeout)\n`);
console.log(chaosTable(tally));
if (tally.lost > 0 || tally.answeredTwice > 0) process.exitCode = 1;
