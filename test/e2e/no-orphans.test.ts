/**
 * No orphans, ever (issue 12, deliverable 5): the bot SIGKILLed in the middle of a turn whose Bash
 * tool started a `setsid sleep 600` runs no shutdown code; started again, it ends what was left.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProcStat } from '../../src/claude/proc-scan.ts';
import { PROCESS_MARKER_ENV } from '../../src/claude/spawn.ts';
import type { Script } from '../fakes/anthropic/index.ts';
import {
  claudeProcesses,
  defunctClaudes,
  OWNER_ID,
  startBotProcess,
  startWorld,
  type World,
  waitUntil,
} from './harness.ts';

const chat = OWNER_ID;

/** The Bash call of the first 'start the long job': a detached sleep that escapes the group, then a wait. */
const LONG_JOB = 'setsid sleep 600 >/dev/null 2>&1 < /dev/null & touch started && sleep 300';

let jobsStarted = 0;
const script: Script = (turn) => {
  const [toolResult] = turn.toolResults;
  if (toolResult) return { text: `The tool said: ${toolResult.content}` };
  // Only once: should Telegram hand the message over again after the restart, no new job starts.
  if (turn.userText === 'start the long job' && jobsStarted++ === 0)
    return { toolUse: { name: 'Bash', input: { command: LONG_JOB } } };
  return { text: `You said: ${turn.userText}` };
};

/** A persona that runs Bash without asking (as root Claude Code needs IS_SANDBOX=1 for it). */
const BYPASS_PERSONA = {
  name: 'bypass',
  description: 'Runs tools without asking (test only).',
  system_prompt: 'You run what you are asked to run.',
  settings: { permission_mode: 'bypassPermissions' },
};

interface Marked {
  pid: number;
  startTime: string;
  marker: string;
  command: string;
}

/** Every process of this world that carries a bridge marker (claude and the tools it started). */
async function markedProcesses(home: string): Promise<Marked[]> {
  const found: Marked[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = (await readFile(`/proc/${entry}/environ`, 'utf8')).split('\0');
      if (!environ.includes(`HOME=${home}`)) continue;
      const marker = environ.find((variable) => variable.startsWith(`${PROCESS_MARKER_ENV}=`));
      const stat = await readProcStat(Number(entry));
      if (!marker || !stat) continue;
      const command = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').join(' ').trim();
      found.push({ pid: Number(entry), startTime: stat.startTime, marker, command });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Still there: the same pid with the same start time, zombie or not. */
async function stillThere(leftover: Marked): Promise<boolean> {
  return (await readProcStat(leftover.pid))?.startTime === leftover.startTime;
}

describe('the bot killed with SIGKILL mid-turn, then started again', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({ script });
    world.env.IS_SANDBOX = '1';
    await mkdir(path.join(world.dataDir, 'personas'), { recursive: true });
    await writeFile(path.join(world.dataDir, 'personas', 'bypass.json'), JSON.stringify(BYPASS_PERSONA));
    await world.startBot();
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  }, 30_000);

  it('ends the Claude Code process and the tool that escaped with setsid, and leaves no zombie', async () => {
    world.say('/new job bypass');
    await world.tg.waitForMessage(chat, "Session 'job' created with persona 'bypass'.");
    world.say('start the long job');
    const sessionDir = path.join(world.dataDir, 'sessions', 'job');
    await waitUntil(
      () => existsSync(path.join(sessionDir, 'started')),
      45_000,
      () => world.bot?.output() ?? '',
    );
    // The escaped sleep has left the claude process group; it is what a group signal cannot reach.
    let leftBehind: Marked[] = [];
    await waitUntil(async () => {
      leftBehind = await markedProcesses(world.home);
      return leftBehind.some((found) => found.command === 'sleep 600');
    }, 10_000);
    expect(leftBehind.some((found) => found.command.includes('claude'))).toBe(true);
    const state = await readFile(path.join(world.dataDir, 'state', 'children.json'), 'utf8');
    expect(state).toContain(leftBehind[0]?.marker.split('=')[1]);

    // SIGKILL to npm and the bot (their own group): no shutdown code runs, claude and its tools stay.
    const bot = world.bot;
    if (!bot?.child.pid) throw new Error('bot not started');
    process.kill(-bot.child.pid, 'SIGKILL');
    await bot.exited;
    for (const leftover of leftBehind) expect(await stillThere(leftover)).toBe(true);

    // Started as startBot does, with more time: the reap gives Claude Code 3 s to stop on SIGTERM.
    const restarted = startBotProcess(world.env);
    world.bot = restarted;
    await waitUntil(
      () => world.tg.isPolling(),
      40_000,
      () => restarted.output(),
    );
    // A leftover ended by the reap is re-parented to PID 1, which reaps it (a zombie for a moment).
    await waitUntil(
      async () => (await Promise.all(leftBehind.map(stillThere))).every((there) => !there),
      5_000,
      () => JSON.stringify(leftBehind),
    );
    const markers = new Set(leftBehind.map((leftover) => leftover.marker));
    expect((await markedProcesses(world.home)).filter((found) => markers.has(found.marker))).toEqual([]);
    expect(await defunctClaudes(world.home)).toEqual([]);
    expect(world.bot?.output()).toContain('ended processes a previous instance left behind');
  }, 120_000);

  it('answers afterwards, with one Claude Code process for the session', async () => {
    world.say('are you there?');
    await world.tg.waitForMessage(chat, 'You said: are you there?', { timeoutMs: 45_000 });
    const live = await claudeProcesses(world.home);
    expect(live).toHaveLength(1);
    expect(live[0]?.state).not.toBe('Z');
  }, 60_000);
});
