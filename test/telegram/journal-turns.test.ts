/** Each message handed to Claude is followed through its turn into the inbound journal. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaudeEvent } from '../../src/claude/events.ts';
import type { InboundJournal } from '../../src/state/journal.ts';
import { JournalTurns } from '../../src/telegram/journal-turns.ts';
import { makeTempDir } from '../sessions/helpers.ts';
import { closeJournals, message, openJournal, recordOk, silent } from '../state/helpers.ts';

const CHAT = 42;
const OTHER_CHAT = 43;
const SESSION = 'work';

const completed: ClaudeEvent = {
  type: 'completed',
  sessionId: 's',
  answer: 'done',
  isError: false,
  durationMs: 1,
  numTurns: 1,
  totalCostUsd: 0,
  usage: { inputTokens: 1, outputTokens: 1 },
};
const tool: ClaudeEvent = { type: 'tool', phase: 'started', toolUseId: 't', name: 'Bash', input: {} };
const death = { exitCode: null, signal: 'SIGKILL' as const, cause: undefined };

let dataDir: string;
let cleanup: () => Promise<void>;
let journal: InboundJournal;
/** The session's Claude queue as the claude side holds it: each message's refs, the one answered first. */
let queue: number[][];
/** Output tasks waiting for "the chat output was sent". */
let outputTasks: Array<() => Promise<void>>;
let turns: JournalTurns;

beforeEach(async () => {
  ({ dir: dataDir, cleanup } = await makeTempDir());
  ({ journal } = await openJournal(dataDir));
  await recordOk(
    journal,
    [1, 2, 3, 4].map((id) => message(id, id === 4 ? OTHER_CHAT : CHAT)),
  );
  queue = [];
  outputTasks = [];
  turns = new JournalTurns({
    journal,
    deferDone: () => 0,
    queuedRefs: () => ({ turn: queue[0] ?? [], queued: queue.flat() }),
    afterOutput: (_session, task) => outputTasks.push(task),
    logger: silent,
  });
});
afterEach(async () => {
  await closeJournals();
  await cleanup();
});

/** The owner's message from update `id` is queued for Claude, as manager.send does it. */
function send(id: number, chatId = CHAT): void {
  queue.push([id]);
  turns.handed(SESSION, chatId, [id]);
}

async function outputSent(): Promise<void> {
  for (const task of outputTasks.splice(0)) await task();
}

const states = () => Object.fromEntries(journal.unfinished().map((entry) => [entry.updateId, entry.state]));

describe('following a message through its turn', () => {
  it('records the session, then tools for the message being answered only, then done once its answer is sent', async () => {
    send(1);
    send(2);
    await journal.markTurnStarted(2, SESSION); // the writes of `handed` are on their way; wait for them
    turns.event(SESSION, tool);
    await journal.markToolsUsed(1);
    expect(states()).toEqual({ 1: 'tools', 2: 'turn', 3: 'received', 4: 'received' });
    expect(journal.unfinished()[0]?.session).toBe(SESSION);

    queue.shift();
    turns.event(SESSION, completed);
    expect(states()).toHaveProperty('1'); // not before the answer went out
    await outputSent();
    expect(states()).toEqual({ 2: 'turn', 3: 'received', 4: 'received' });
  });

  it('a turn cut off after tools is finished once its notice is sent; a resent one is not', async () => {
    send(1);
    send(2);
    turns.event(SESSION, tool);
    const lost = queue.shift();
    turns.event(SESSION, { type: 'error', kind: 'process_restarting', death });
    expect(outputTasks).toEqual([]); // put back for the next process: still to be answered
    queue.unshift(lost ?? []);

    turns.event(SESSION, tool);
    queue.shift();
    turns.event(SESSION, { type: 'error', kind: 'process_restarting_after_tools', death });
    await outputSent();
    expect(Object.keys(states())).toEqual(['2', '3', '4']);
  });

  it('messages dropped without an event (the session was stopped) are finished by the next hand-over', async () => {
    send(1);
    send(2);
    queue.length = 0;
    send(4, OTHER_CHAT);
    await outputSent();
    expect(states()).toEqual({ 3: 'received', 4: 'turn' });
  });

  it('counts what each chat still waits for, for the shutdown notice', () => {
    send(1);
    send(4, OTHER_CHAT);
    send(2);
    expect(turns.unfinished(SESSION, CHAT)).toBe(2);
    expect(turns.unfinished(SESSION, OTHER_CHAT)).toBe(1);
    expect(turns.unfinished('other', CHAT)).toBe(0);
  });

  it('when Claude gives up, every dropped message is finished after the notices', async () => {
    send(1);
    send(2);
    send(3);
    queue.length = 0;
    // Cast: later versions of the event carry more detail about the crashes.
    turns.event(SESSION, { type: 'error', kind: 'process_gave_up', death, unanswered: 3 } as ClaudeEvent);
    await outputSent();
    expect(states()).toEqual({ 4: 'received' });
  });
});

describe('turns ending out of queue order', () => {
  it('`!` puts a message first: the interrupted turn, then it, are finished; the one still waiting is not', async () => {
    send(1);
    send(2);
    // `!` from update 3: first in line, the turn for 1 is interrupted.
    queue.splice(1, 0, [3]);
    turns.handed(SESSION, CHAT, [3]);
    queue.shift();
    turns.event(SESSION, { ...completed, interrupted: true } as ClaudeEvent);
    await outputSent();
    expect(Object.keys(states())).toEqual(['2', '3', '4']);

    turns.event(SESSION, tool);
    queue.shift();
    turns.event(SESSION, completed);
    await outputSent();
    expect(states()).toEqual({ 2: 'turn', 4: 'received' });
  });

  it('/stop: the dropped messages are finished once its reply went, the interrupted one with its turn', async () => {
    send(1);
    send(2);
    send(3);
    queue.length = 1; // 2 and 3 dropped; 1 still being answered until its turn ends
    turns.settle(SESSION);
    await outputSent();
    expect(Object.keys(states())).toEqual(['1', '4']);
    queue.shift();
    turns.event(SESSION, completed);
    await outputSent();
    expect(states()).toEqual({ 4: 'received' });
  });

  it('a batch of updates is one message: tools and done apply to all of them', async () => {
    queue.push([1, 2, 3]);
    turns.handed(SESSION, CHAT, [1, 2, 3]);
    turns.event(SESSION, tool);
    turns.event(SESSION, tool);
    await Promise.all([1, 2, 3].map((id) => journal.markToolsUsed(id)));
    expect(states()).toEqual({ 1: 'tools', 2: 'tools', 3: 'tools', 4: 'received' });
    expect(turns.unfinished(SESSION, CHAT)).toBe(1);
    queue.shift();
    turns.event(SESSION, completed);
    expect(states()).toHaveProperty('1');
    await outputSent();
    expect(states()).toEqual({ 4: 'received' });
  });

  it('a batch coalesced into the text already waiting is finished with that turn, not before', async () => {
    send(4, OTHER_CHAT);
    queue.push([1]);
    turns.handed(SESSION, CHAT, [1]);
    queue[1]?.push(2, 3); // coalesced: one waiting message now carries 1, 2 and 3
    turns.handed(SESSION, CHAT, [2, 3]);
    queue.shift();
    turns.event(SESSION, completed);
    await outputSent();
    expect(states()).toEqual({ 1: 'turn', 2: 'turn', 3: 'turn' });
    turns.event(SESSION, tool);
    queue.shift();
    turns.event(SESSION, { type: 'error', kind: 'process_restarting_after_tools', death });
    await outputSent();
    expect(states()).toEqual({});
  });

  it('an update taken over that never reached Claude is finished once the chat was told', async () => {
    await turns.notQueued([1, 2]);
    expect(states()).toEqual({ 3: 'received', 4: 'received' });
  });
});
