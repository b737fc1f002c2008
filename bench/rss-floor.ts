/**
 * The floor under the bot's RSS: a node process started as `npm start` starts the bot (the same
 * environment and node flags, from package.json's start script) that imports the bot's dependencies
 * and runs nothing. What the bot holds above it is its own code, its state and its garbage.
 */
import { spawn } from 'node:child_process';
import { startCommand } from '../scripts/install-service.ts';
import { PROJECT_ROOT } from '../test/e2e/harness.ts';

/**
 * What src/ imports at start (undici and sharp are imported on first use). Kept by hand: a dependency
 * src/ starts importing at start that is missing here makes the floor too low, so update both.
 */
const DEPENDENCIES = [
  'grammy',
  '@grammyjs/runner',
  '@grammyjs/auto-retry',
  'pino',
  'zod',
  'markdown-it',
  'markdown-it-footnote',
  '@anthropic-ai/claude-agent-sdk',
];

/** The floor's VmRSS in MB, a second after the imports (its start-up garbage collected as the bot's is). */
export async function rssFloorMb(): Promise<number> {
  const { env, nodeFlags } = await startCommand(PROJECT_ROOT);
  const program = [
    ...DEPENDENCIES.map((name) => `await import(${JSON.stringify(name)});`),
    'await new Promise((resolve) => setTimeout(resolve, 1000));',
    "const status = (await import('node:fs')).readFileSync('/proc/self/status', 'utf8');",
    'process.stdout.write(/^VmRSS:\\s+(\\d+) kB/m.exec(status)[1]);',
  ].join('\n');
  const ownEnv = Object.fromEntries(env.map((assignment) => assignment.split('=', 2) as [string, string]));
  const child = spawn(process.execPath, [...nodeFlags, '--input-type=module', '-e', program], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...ownEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const kb = Number(out);
  if (code !== 0 || !Number.isFinite(kb)) throw new Error(`the floor process failed (${code}): ${out}`);
  return kb / 1024;
}
