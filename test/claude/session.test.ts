import { describe, expect, it } from 'vitest';
import { isGone } from '../../src/claude/spawn.ts';
import type { ModelTurn } from '../fakes/anthropic/index.ts';
import { claudeWorlds, until } from './world.ts';

const claude = claudeWorlds();

/** The user texts of a request, oldest first (what the CLI sent as history). */
function userTexts(turn: Pick<ModelTurn, 'messages'>): string[] {
  return turn.messages
    .filter((message) => message.role === 'user')
    .flatMap((message) =>
      typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content,
    )
    .filter(
      (block) =>
        block.type === 'text' &&
        typeof block.text === 'string' &&
        !block.text.startsWith('<system-reminder>'),
    )
    .map((block) => block.text as string);
}

describe('ClaudeSession with the real claude binary', () => {
  it('starts the process before the first message and answers it', async () => {
    const { open } = await claude.start();
    const { session, log } = open();
    expect(session.pid).toBeGreaterThan(0);
    expect(session.state).toBe('starting');

    session.send('hello');
    const [completed] = await log.waitFor('completed');
    expect(completed?.answer).toBe('You said: hello');
    expect(completed?.isError).toBe(false);
    expect(log.of('text').map((event) => event.text)).toEqual(['You said: hello']);
    expect(log.of('started')).toHaveLength(1);
    expect(session.sessionId).toBe(completed?.sessionId);
    expect(session.state).toBe('idle');
  });

  it('answers three messages sent at once in order, with history and the persona in every request', async () => {
    const { model, open } = await claude.start();
    const { session, log } = open({ personaPrompt: 'You are the PLANNER persona.' });

    session.send('one');
    session.send('two');
    session.send('three');
    expect(session.queueLength).toBe(2);
    expect(session.state).toBe('busy');

    const completed = await log.waitFor('completed', 3);
    expect(completed.map((event) => event.answer)).toEqual([
      'You said: one',
      'You said: two',
      'You said: three',
    ]);
    expect(model.requests.map((request) => model.lastUserText(request))).toEqual(['one', 'two', 'three']);
    expect(userTexts(model.requests[2] ?? { messages: [] })).toEqual(['one', 'two', 'three']);
    expect(JSON.stringify(model.requests[2]?.messages)).toContain('You said: two');
    for (const request of model.requests) expect(request.system).toContain('You are the PLANNER persona.');
  });

  it("carries each message's sender on the events of its turn", async () => {
    const { open } = await claude.start();
    const { session, log } = open();
    session.send('from the private chat', 1001);
    session.send('from the group', -2002);
    expect(session.origins).toEqual([1001, -2002]);

    await log.waitFor('completed', 2);
    const originsOf = (type: string) =>
      log.events.flatMap((event, i) => (event.type === type ? [log.origins[i]] : []));
    expect(originsOf('text')).toEqual([1001, -2002]);
    expect(originsOf('completed')).toEqual([1001, -2002]);
    expect(session.origins).toEqual([]);
  });

  it('keeps the conversation when resumed in a new process after close', async () => {
    const { model, open } = await claude.start();
    const { session: first, log: firstLog } = open();
    first.send('remember the word pineapple');
    await firstLog.waitFor('completed');
    const sessionId = first.sessionId;
    const firstPid = first.pid;
    await first.close();
    expect(first.state).toBe('closed');
    expect(firstPid !== undefined && isGone(firstPid)).toBe(true);

    const { session: second, log: secondLog } = open({ resume: sessionId });
    second.send('what was the word?');
    const [completed] = await secondLog.waitFor('completed');
    expect(completed?.answer).toBe('You said: what was the word?');
    expect(completed?.sessionId).toBe(sessionId);
    const lastRequest = model.requests.at(-1);
    expect(userTexts(lastRequest ?? { messages: [] })).toEqual([
      'remember the word pineapple',
      'what was the word?',
    ]);
  });
});

describe('ClaudeSession interrupt', () => {
  it('stops the turn being answered without reporting a failure, and answers the next message', async () => {
    let slowTurnArrived = false;
    const { open } = await claude.start({
      script: (turn) => {
        if (turn.userText !== 'write a long essay') return { text: `You said: ${turn.userText}` };
        slowTurnArrived = true;
        return { text: 'x'.repeat(50), chunks: Array.from({ length: 50 }, () => 'x'), chunkDelayMs: 200 };
      },
    });
    const { session, log } = open();

    session.send('write a long essay');
    await until(() => slowTurnArrived);
    await session.interrupt();
    const [interrupted] = await log.waitFor('completed');
    expect(interrupted?.answer).not.toBe('x'.repeat(50));
    expect(log.of('error')).toEqual([]);

    session.send('short one');
    const [, answered] = await log.waitFor('completed', 2);
    expect(answered?.answer).toBe('You said: short one');
  });
});
