/**
 * `npm run doctor`: checks that the bot can run here (settings, Telegram, Claude Code and its
 * credentials, DATA_DIR, the homelab services, ping) and prints a table with the fix for each
 * problem. Exit status 0 when the bot can run, 1 otherwise.
 */
import { runDoctor } from './doctor/run.ts';
import { formatReport } from './doctor/table.ts';

const results = await runDoctor({ cwd: process.cwd(), env: process.env });
process.stdout.write(`${formatReport(results)}\n`);
process.exitCode = results.some((result) => result.status === 'fail') ? 1 : 0;
