import { query as sdkQuery } from '@anthropic-ai/claude-agent-sdk';
import { describe, expect, it } from 'vitest';
import type { FakeAnthropic } from '../fakes/anthropic/index.ts';
import { claudeWorlds, until } from './world.ts';

/** A Claude session id with no transcript anywhere (as after a change of HOME or CLAUDE_CONFIG_DIR). */
const GONE = '7c9e6679-7425-40de-944b-e07fc1f99a8b';

const claude = claudeWorlds({ killGraceMs: 1000 });

/**
 * The real SDK `query`, recording the `resume` of every Claude Code process it starts
 * (one call, one process). `forceResume` makes every process resume that id, whatever the session asked.
 */
function recordingQuery(forceResume?: string) {
  const launches: Array<string | undefined> = [];
  const query: typeof sdkQuery = (params) => {
    const options = forceResume ? { ...params.options, resume: forceResume } : params.options;
    launches.push(options?.resume);
    return sdkQuery({ ...params, options });
  };
  return { launches, query };
}

/** The requests Claude Code made for answers (not the ones naming the session). */
function answerRequests(fake: FakeAnthropic) {
  return fake.requests.filter((request) => !request.isTitleRequest);
}

describe('ClaudeSession resuming a conversation that is gone', () => {
  it('holds the message and starts nothing until startFresh; the fresh session answers it and can be resumed', async () => {
    const { model, open } = await claude.start();
    const { launches, query } = recordingQuery();
    const { session, log } = open({ resume: GONE, query });

    session.send('hello');
    const [notice] = await log.waitFor('error');
    expect(notice).toEqual({
      type: 'error',
      kind: 'conversation_not_found',
      missingSessionId: GONE,
      held: 1,
    });
    expect(log.origins).toEqual([undefined]);
    await until(() => session.state === 'held' && session.pid === undefined);
    expect(session.queueLength).toBe(1);
    // Nothing fresh was started behind the owner's back.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(launches).toEqual([GONE]);
    expect(answerRequests(model)).toEqual([]);

    // Another message waits too, and the owner hears the choice again.
    session.send('are you there?', 9);
    const [, again] = await log.waitFor('error', 2);
    expect(again).toMatchObject({ kind: 'conversation_not_found', held: 2 });
    expect(log.origins[1]).toBe(9);

    expect(session.startFresh()).toBe(true);
    expect(session.startFresh()).toBe(false);
    const [answered, second] = await log.waitFor('completed', 2);
    expect(answered?.answer).toBe('You said: hello');
    expect(second?.answer).toBe('You said: are you there?');
    const fresh = answered?.sessionId;
    expect(fresh).toMatch(/^[0-9a-f-]{36}$/);
    expect(fresh).not.toBe(GONE);
    expect(session.sessionId).toBe(fresh);
    expect(launches).toEqual([GONE, undefined]);
    // The fresh conversation starts empty.
    expect(JSON.stringify(answerRequests(model)[0]?.messages)).not.toContain('You said');

    // A bot restarted with the recorded id continues the fresh conversation.
    await session.close();
    const { session: resumed, log: resumedLog } = open({ resume: fresh });
    resumed.send('still there?');
    const [continued] = await resumedLog.waitFor('completed');
    expect(continued?.answer).toBe('You said: still there?');
    expect(resumedLog.of('error')).toEqual([]);
    expect(JSON.stringify(answerRequests(model).at(-1)?.messages)).toContain('You said: are you there?');
  });

  it('says so at once when the id is found missing before any message', async () => {
    const { open } = await claude.start();
    const { launches, query } = recordingQuery();
    const { session, log } = open({ resume: GONE, query });

    const [notice] = await log.waitFor('error');
    expect(notice).toEqual({
      type: 'error',
      kind: 'conversation_not_found',
      missingSessionId: GONE,
      held: 0,
    });
    await until(() => session.state === 'held');
    expect(launches).toEqual([GONE]);
  });

  it('a Claude Code that fails every start gives up after maxRestarts, and tries again only on the next send', async () => {
    const { model, open } = await claude.start();
    // Every process fails at start-up, but not because of anything the session asked for.
    const { launches, query } = recordingQuery(GONE);
    const { session, log } = open({ query, crashPolicy: { maxRestarts: 1 } });

    session.send('hello?');
    const giveUp = (event: { kind: string }) => event.kind === 'process_gave_up';
    while (!log.of('error').some(giveUp)) await log.waitFor('error', log.of('error').length + 1);

    expect(launches).toHaveLength(2); // the first process and maxRestarts = 1 restart
    expect(session.pid).toBeUndefined();
    // Each start failed with an error result, which told the owner, and so did the restart between.
    expect(
      log
        .of('error')
        .map((event) => event.kind)
        .filter((kind) => kind.startsWith('process_')),
    ).toEqual(['process_restarted', 'process_gave_up']);
    expect(log.of('error').some((event) => event.kind === 'conversation_not_found')).toBe(false);
    expect(model.requests).toEqual([]);

    session.send('hello again?');
    while (log.of('error').filter(giveUp).length < 2) {
      await log.waitFor('error', log.of('error').length + 1);
    }
    expect(launches).toHaveLength(4);
    expect(session.pid).toBeUndefined();
  });
});

describe('ClaudeSession whose Claude Code cannot start at all', () => {
  it('says each time it restarts, then that it gave up, naming the cause', async () => {
    const { open } = await claude.start();
    const { session, log } = open({ claudePath: '/nonexistent/claude', crashPolicy: { maxRestarts: 2 } });

    await log.waitFor('error', 3);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const death = { exitCode: null, signal: null, cause: expect.stringContaining('/nonexistent/claude') };
    expect(log.of('error')).toEqual([
      { type: 'error', kind: 'process_restarted', death },
      { type: 'error', kind: 'process_restarted', death },
      { type: 'error', kind: 'process_gave_up', death, unanswered: 0, crashes: 3, windowMs: 600_000 },
    ]);
    expect(session.pid).toBeUndefined();
  });

  it('when it gives up, says how many messages went unanswered and keeps none waiting', async () => {
    const { open } = await claude.start();
    const { session, log } = open({ claudePath: '/nonexistent/claude', crashPolicy: { maxRestarts: 1 } });

    session.send('one');
    session.send('two');
    await log.waitFor('error', 2);

    expect(log.of('error')).toEqual([
      expect.objectContaining({ kind: 'process_restarting' }),
      expect.objectContaining({ kind: 'process_gave_up', unanswered: 2 }),
    ]);
    expect(session.queueLength).toBe(0);
    expect(session.state).not.toBe('busy');
  });
});
