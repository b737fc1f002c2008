/**
 * `npm run bench:soak`: the soak part of bench/scale.ts alone (BENCH_SOAK_CYCLES cycles, default 200,
 * in BENCH_SOAK_LANES chats at once, default 3), for a rerun without the throughput and load parts.
 */
import os from 'node:os';
import { runSoak } from '../test/e2e/soak-run.ts';
import { soakTable } from '../test/e2e/soak-table.ts';

const cycles = Number(process.env.BENCH_SOAK_CYCLES ?? 200);
const lanes = Number(process.env.BENCH_SOAK_LANES ?? 3);
const load = () => `1-min load average ${(os.loadavg()[0] ?? 0).toFixed(1)} on ${os.cpus().length} cores`;
const progress = (line: string) => process.stderr.write(`bench soak: ${line}\n`);

progress(`${cycles} cycles in ${lanes} chats at once (${load()})`);
const result = await runSoak({ cycles, lanes, progress });
console.log(
  `\nSoak: ${cycles} cycles of create, switch, message, kill, stop, idle suspend, resume, archive\n`,
);
console.log(soakTable(result));
console.log(`\n${load()} at the end.`);
