import { query as sdkQuery } from '@anthropic-ai/claude-agent-sdk';
import { describe, expect, it } from 'vitest';
import type { FakeAnthropic } from '../fakes/anthropic/index.ts';
import { claudeWorlds } from './world.ts';

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
  it('tells the owner once, answers the message from a fresh Claude session, and that session can be resumed', async () => {
    const { model, open } = await claude.start();
    const { launches, query } = recordingQuery();
    const { session, log } = open({ resume: GONE, query });

    session.send('hello');
    const [answered] = await log.waitFor('completed');

    expect(log.of('error')).toEqual([
      { type: 'error', kind: 'conversation_not_found', missingSessionId: GONE, answering: true },
    ]);
    expect(answered?.answer).toBe('You said: hello');
    expect(answered?.isError).toBe(false);
    const fresh = answered?.sessionId;
    expect(fresh).toMatch(/^[0-9a-f-]{36}$/);
    expect(fresh).not.toBe(GONE);
    // What the session manager records in metadata.json: the fresh id, through `started` and `completed`.
    expect(log.of('started').map((event) => event.sessionId)).toEqual([fresh]);
    expect(session.sessionId).toBe(fresh);
    expect(launches).toEqual([GONE, undefined]);
    // The answer streams as it is written (text_delta) before it comes whole.
    const types = log.events.map((event) => event.type);
    expect(types.filter((type) => type !== 'text_delta')).toEqual(['error', 'started', 'text', 'completed']);
    expect(types.indexOf('text_delta')).toBeGreaterThan(types.indexOf('started'));

    session.send('and then?');
    const [, next] = await log.waitFor('completed', 2);
    expect(next?.answer).toBe('You said: and then?');
    expect(next?.sessionId).toBe(fresh);
    expect(log.of('error')).toHaveLength(1);
    expect(launches).toHaveLength(2);

    // A bot restarted with the recorded id continues the fresh conversation.
    await session.close();
    const { session: resumed, log: resumedLog } = open({ resume: fresh });
    resumed.send('still there?');
    const [again] = await resumedLog.waitFor('completed');
    expect(again?.answer).toBe('You said: still there?');
    expect(resumedLog.of('error')).toEqual([]);
    expect(JSON.stringify(answerRequests(model).at(-1)?.messages)).toContain('You said: and then?');
  });

  it('starts the fresh session at once when the id is found missing before any message', async () => {
    const { model, open } = await claude.start();
    const { launches, query } = recordingQuery();
    const { session, log } = open({ resume: GONE, query });

    const [notice] = await log.waitFor('error');
    expect(notice).toEqual({
      type: 'error',
      kind: 'conversation_not_found',
      missingSessionId: GONE,
      answering: false,
    });
    expect(session.sessionId).toBeUndefined();

    session.send('first words');
    const [answered] = await log.waitFor('completed');
    expect(answered?.answer).toBe('You said: first words');
    expect(answered?.sessionId).not.toBe(GONE);
    expect(log.of('error')).toHaveLength(1);
    expect(launches).toEqual([GONE, undefined]);
    // The fresh conversation starts empty: the model saw only this message.
    expect(answerRequests(model)).toHaveLength(1);
    expect(JSON.stringify(answerRequests(model)[0]?.messages)).not.toContain('You said');
  });

  it('a Claude Code that fails every start gives up after maxRestarts, and tries again only on the next send', async () => {
    const { model, open } = await claude.start();
    // Every process fails at start-up, but not because of anything the session asked for.
    const { launches, query } = recordingQuery(GONE);
    const { session, log } = open({ query, maxRestarts: 1 });

    session.send('hello?');
    const giveUp = (event: { kind: string }) => event.kind === 'process_gave_up';
    while (!log.of('error').some(giveUp)) await log.waitFor('error', log.of('error').length + 1);

    expect(launches).toHaveLength(2); // the first process and maxRestarts = 1 restart
    expect(session.pid).toBeUndefined();
    // Each start failed with an error result, which told the owner; the restart between was quiet.
    expect(
      log
        .of('error')
        .map((event) => event.kind)
        .filter((kind) => kind.startsWith('process_')),
    ).toEqual(['process_gave_up']);
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
  it('retries quietly while nobody waits, then says once why, naming the cause', async () => {
    const { open } = await claude.start();
    const { session, log } = open({ claudePath: '/nonexistent/claude', maxRestarts: 2 });

    await log.waitFor('error');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const errors = log.of('error');
    expect(errors).toEqual([
      {
        type: 'error',
        kind: 'process_gave_up',
        death: { exitCode: null, signal: null, cause: expect.stringContaining('/nonexistent/claude') },
        unanswered: 0,
      },
    ]);
    expect(session.pid).toBeUndefined();
  });

  it('when it gives up, says how many messages went unanswered and keeps none waiting', async () => {
    const { open } = await claude.start();
    const { session, log } = open({ claudePath: '/nonexistent/claude', maxRestarts: 1 });

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
