/**
 * Bot start to polling with 200 sessions on disk (issue 12's lifecycle row; target under 1 s of the
 * bot's own). `npm start` against the fake Telegram, timed from the spawn to its first long poll,
 * beside the runtime alone (`node --import tsx` running an empty module) measured in the same run:
 * the difference is the bot's own start-up. `npx tsx bench/startup.ts` prints the table;
 * bench/run.ts calls `benchStartup` and `startupTable`.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import type { Logger } from '../src/logging.ts';
import { type Persona, PersonaLibrary, SHIPPED_PERSONAS_DIR } from '../src/sessions/personas.ts';
import { SessionStore } from '../src/sessions/session-store.ts';
import { PROJECT_ROOT, startBotProcess, startWorld, waitUntil } from '../test/e2e/harness.ts';
import { median } from './stats.ts';
import { formatTable, ms } from './table.ts';

export const STARTUP_TARGET_MS = 1_000;
export const SESSIONS_ON_DISK = 200;

export interface StartupBenchResult {
  trials: number;
  /** `node --import tsx` running an empty module: what any start costs before the bot's code runs. */
  runtime: number[];
  noSessions: number[];
  withSessions: number[];
}

const hrMs = () => Number(process.hrtime.bigint()) / 1e6;

async function timeRuntimeAlone(dir: string): Promise<number> {
  const empty = path.join(dir, 'empty.ts');
  await writeFile(empty, 'export {};\n');
  const started = hrMs();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('node', ['--import', 'tsx', empty], { cwd: PROJECT_ROOT, stdio: 'ignore' });
    child.once('error', reject);
    child.once('close', () => resolve());
  });
  return hrMs() - started;
}

/** The persona `/new` gives a session by default, as the bot finds it under `dataDir`. */
export async function shippedDefaultPersona(dataDir: string, logger: Logger): Promise<Persona> {
  const persona = await new PersonaLibrary({
    shippedDir: SHIPPED_PERSONAS_DIR,
    ownerDir: path.join(dataDir, 'personas'),
    logger,
  }).get('default');
  if (!persona) throw new Error('the shipped default persona is missing');
  return persona;
}

export async function benchStartup(trials = 3): Promise<StartupBenchResult> {
  const world = await startWorld({ rateLimits: false });
  const result: StartupBenchResult = { trials, runtime: [], noSessions: [], withSessions: [] };
  const timeBot = async (): Promise<number> => {
    const started = hrMs();
    const bot = startBotProcess({ ...world.env, LOG_LEVEL: 'info' });
    const polling = await waitUntil(
      () => world.tg.isPolling(),
      30_000,
      () => bot.output(),
    ).then(
      () => ({ ok: true as const, ms: hrMs() - started }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const exit = await bot.stop('SIGTERM');
    if (!polling.ok) throw polling.error;
    if (exit.code !== 0) throw new Error(`the bot exited with ${JSON.stringify(exit)}`);
    await waitUntil(() => !world.tg.isPolling(), 10_000);
    return polling.ms;
  };
  try {
    for (let trial = 0; trial < trials; trial++) {
      result.runtime.push(await timeRuntimeAlone(path.dirname(world.dataDir)));
      result.noSessions.push(await timeBot());
    }
    const logger = pino({ level: 'silent' });
    const sessions = new SessionStore({ dataDir: world.dataDir, now: () => new Date(), logger });
    const persona = await shippedDefaultPersona(world.dataDir, logger);
    for (let index = 0; index < SESSIONS_ON_DISK; index++) {
      const name = `session-${index}`;
      await sessions.create(name, persona);
      await sessions.update(name, {
        claude_session_id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      });
    }
    for (let trial = 0; trial < trials; trial++) result.withSessions.push(await timeBot());
  } finally {
    await world.close();
  }
  return result;
}

export function startupTable(result: StartupBenchResult): string {
  const runtime = median(result.runtime);
  const row = (label: string, samples: number[], judged: boolean): string[] => {
    const own = median(samples) - runtime;
    return [
      label,
      ms(median(samples)),
      ms(Math.max(...samples)),
      judged || samples !== result.runtime ? ms(own) : '',
      judged ? `< ${ms(STARTUP_TARGET_MS)} ms` : '',
      judged ? (own < STARTUP_TARGET_MS ? 'met' : 'missed') : '',
    ];
  };
  return formatTable(
    [
      { title: `start to polling (${result.trials} trials each)` },
      { title: 'median ms', align: 'right' },
      { title: 'max ms', align: 'right' },
      { title: 'bot own (median - runtime) ms', align: 'right' },
      { title: 'target' },
      { title: '' },
    ],
    [
      row('node --import tsx, empty module (baseline)', result.runtime, false),
      row('npm start, no sessions on disk', result.noSessions, false),
      row(`npm start, ${SESSIONS_ON_DISK} sessions on disk`, result.withSessions, true),
    ],
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchStartup();
  console.log(`\nBot start to polling with ${SESSIONS_ON_DISK} sessions on disk\n`);
  console.log(startupTable(result));
  console.log(
    `\nTimed from the spawn of npm start to the bot's first getUpdates at the fake Telegram. ${os.cpus().length} cores, 1-min load average ${(os.loadavg()[0] ?? 0).toFixed(1)}.`,
  );
}
