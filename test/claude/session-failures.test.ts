import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type SDKUserMessage, query as sdkQuery } from '@anthropic-ai/claude-agent-sdk';
import { describe, expect, it } from 'vitest';
import { findProcessesWithEnv, processState } from '../../src/claude/proc-scan.ts';
import { PROCESS_MARKER_ENV } from '../../src/claude/spawn.ts';
import { echoScript } from '../fakes/anthropic/index.ts';
import { claudeWorlds, runsBash, until } from './world.ts';

const claude = claudeWorlds({ killGraceMs: 1000 });

/** Processes in the process group `pgid` that still exist, zombies included. */
function groupMembers(pgid: number): number[] {
  try {
    process.kill(-pgid, 0);
    return [pgid];
  } catch {
    return [];
  }
}

/**
 * The real SDK `query`, watching the prompt stream of every process it starts: `ended[i]` turns
 * true once the SDK's reading of the i-th process's prompt stream has finished.
 */
function watchingQuery() {
  const ended: boolean[] = [];
  const query: typeof sdkQuery = (params) => {
    const index = ended.push(false) - 1;
    const prompt = params.prompt as AsyncIterable<SDKUserMessage>;
    async function* watched(): AsyncGenerator<SDKUserMessage, void> {
      try {
        yield* prompt;
      } finally {
        ended[index] = true;
      }
    }
    return sdkQuery({ ...params, prompt: watched() });
  };
  return { ended, query };
}

describe('ClaudeSession failures', () => {
  it('reports failed authentication when the model API refuses the key, and the next message still works', async () => {
    const { model, open } = await claude.start({ script: () => ({ error: 401 }) });
    const { session, log } = open();

    session.send('hello?');
    const [failed] = await log.waitFor('completed');
    expect(log.of('error').map((event) => event.kind)).toEqual(['authentication_failed']);
    expect(failed?.isError).toBe(true);
    expect(failed?.answer).toBe('');

    model.setScript(echoScript);
    session.send('and now?');
    const [, answered] = await log.waitFor('completed', 2);
    expect(answered?.answer).toBe('You said: and now?');
    expect(answered?.isError).toBe(false);
  });

  it('reports an overloaded model API (529) after Claude Code has retried', async () => {
    const { model, open } = await claude.start({ script: () => ({ error: 529 }) });
    const { session, log } = open();

    session.send('busy?');
    const [completed] = await log.waitFor('completed');
    expect(completed?.isError).toBe(true);
    const [error] = log.of('error');
    expect(error?.kind).toBe('overloaded');
    expect(log.of('retrying').length).toBeGreaterThanOrEqual(1);
    expect(log.of('retrying')[0]?.status).toBe(529);
    expect(model.requests.length).toBeGreaterThanOrEqual(2);
  });

  it('replaces a process killed mid-turn: the message in flight and the queued one are answered, history kept', async () => {
    let releaseSlowTurn: (() => void) | undefined;
    const { model, open } = await claude.start({
      script: (turn) => {
        if (turn.userText === 'slow' && releaseSlowTurn === undefined) {
          // Hold the first attempt open until the process is dead.
          return new Promise((resolve) => {
            releaseSlowTurn = () => resolve({ text: 'too late' });
          });
        }
        return echoScript(turn);
      },
    });
    const { session, log } = open();

    session.send('first');
    await log.waitFor('completed');
    session.send('slow');
    session.send('after');
    const release = await until(() => releaseSlowTurn);
    const firstPid = session.pid;
    if (firstPid === undefined) throw new Error('no pid');
    process.kill(firstPid, 'SIGKILL');

    const completed = await log.waitFor('completed', 3);
    release();
    expect(log.of('error')).toEqual([
      {
        type: 'error',
        kind: 'process_restarting',
        death: { exitCode: null, signal: 'SIGKILL', cause: expect.anything() },
      },
    ]);
    expect(completed.map((event) => event.answer)).toEqual([
      'You said: first',
      'You said: slow',
      'You said: after',
    ]);
    expect(session.pid).not.toBe(firstPid);
    expect(processState(firstPid)).toBeUndefined();
    // The fresh process resumed the conversation: its requests carry the first exchange.
    expect(JSON.stringify(model.requests.at(-1)?.messages)).toContain('You said: first');
  });

  it("ends a dead process's prompt stream, so the SDK lets go of its query", async () => {
    const { open } = await claude.start();
    const { ended, query } = watchingQuery();
    const { session, log } = open({ query });

    session.send('first');
    await log.waitFor('completed');
    const firstPid = session.pid;
    if (firstPid === undefined) throw new Error('no pid');
    process.kill(firstPid, 'SIGKILL');
    await until(() => session.pid !== undefined && session.pid !== firstPid);
    session.send('second');
    const [, answered] = await log.waitFor('completed', 2);

    expect(answered?.answer).toBe('You said: second');
    expect(ended).toEqual([true, false]);
  });

  it('does not send a message again after a crash once Claude had asked for tools for it: the owner decides', async () => {
    let killNow: (() => void) | undefined;
    const { model, open } = await claude.start({
      script: (turn) => {
        if (turn.userText === 'clean up old backups' && turn.toolResults.length === 0)
          return { toolUse: { name: 'Bash', input: { command: 'rm -f old.tar' } } };
        // The tool round trip: hold it open until the process is dead.
        if (turn.toolResults.length > 0 && killNow === undefined)
          return new Promise(() => {
            killNow = () => {};
          });
        return echoScript(turn);
      },
    });
    const { session, log } = open();

    session.send('clean up old backups');
    session.send('after');
    await until(() => killNow);
    const firstPid = session.pid;
    if (firstPid === undefined) throw new Error('no pid');
    process.kill(firstPid, 'SIGKILL');

    const [completed] = await log.waitFor('completed');
    expect(completed?.answer).toBe('You said: after');
    expect(log.of('error')).toEqual([
      expect.objectContaining({
        kind: 'process_restarting_after_tools',
        death: expect.objectContaining({ signal: 'SIGKILL' }),
      }),
    ]);
    // The new process has the message once, in the resumed history: it was not sent again.
    const last = model.requests.at(-1);
    expect(JSON.stringify(last?.messages).split('clean up old backups')).toHaveLength(2);
    expect(last && model.lastUserText(last)).toBe('after');
    expect(session.pid).not.toBe(firstPid);
  });

  it('close() leaves no process behind, not even a background sleep started by Bash', async () => {
    const { cwd, open } = await claude.start(runsBash('echo started > started.txt; sleep 30 &', 'Started.'));
    const asked: string[] = [];
    const { session, log } = open({
      askPermission: async (request) => {
        asked.push(`${request.toolName} ${request.input.command}`);
        return { allow: true };
      },
    });

    session.send('start a sleeper');
    const [completed] = await log.waitFor('completed');
    expect(completed?.answer).toBe('Started.');
    expect(asked).toEqual(['Bash echo started > started.txt; sleep 30 &']);
    expect(log.of('tool').map((event) => `${event.phase} ${event.name} ${event.input.command}`)).toEqual([
      'started Bash echo started > started.txt; sleep 30 &',
      'completed Bash echo started > started.txt; sleep 30 &',
    ]);
    expect(existsSync(path.join(cwd, 'started.txt'))).toBe(true);

    const pid = session.pid;
    if (pid === undefined) throw new Error('no pid');
    const marker = readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .find((entry) => entry.startsWith(`${PROCESS_MARKER_ENV}=`))
      ?.split('=')[1];
    if (!marker) throw new Error('no marker on the claude process');
    // A process found a moment ago (a shell ending) may be gone by the time its cmdline is read.
    const commandOf = (candidate: number) => {
      try {
        return readFileSync(`/proc/${candidate}/cmdline`, 'utf8');
      } catch {
        return '';
      }
    };
    const sleepers = (await findProcessesWithEnv(PROCESS_MARKER_ENV, marker)).filter((candidate) =>
      commandOf(candidate).startsWith('sleep'),
    );
    expect(sleepers).toHaveLength(1);

    await session.close();

    expect(processState(pid)).toBeUndefined(); // neither running nor <defunct>: reaped
    expect(groupMembers(pid)).toEqual([]);
    expect(await findProcessesWithEnv(PROCESS_MARKER_ENV, marker)).toEqual([]);
    for (const sleeper of sleepers) expect(['Z', undefined]).toContain(processState(sleeper));
  });
});
