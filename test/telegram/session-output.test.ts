/** What the chat sees of a session's turns: typing, progress lines, answers, labels. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ClaudeEvent } from '../../src/claude/events.ts';
import type { Delivery } from '../../src/telegram/delivery.ts';
import { SessionOutput } from '../../src/telegram/session-output.ts';

/** A Delivery that records what it was asked to do. */
function recordingDelivery() {
  const log: string[] = [];
  let typingOn = 0;
  const delivery: Delivery = {
    async sendMarkdown(chatId, markdown, extra) {
      log.push(`markdown ${chatId}${extra?.label ? ` [${extra.label}]` : ''}: ${markdown}`);
      return [1];
    },
    async sendText(chatId, text) {
      log.push(`text ${chatId}: ${text}`);
      return 1;
    },
    startTyping(chatId) {
      typingOn += 1;
      log.push(`typing on ${chatId}`);
      return {
        stop() {
          typingOn -= 1;
          log.push(`typing off ${chatId}`);
        },
      };
    },
    statusLine(chatId) {
      return {
        update(text) {
          log.push(`status ${chatId}: ${text}`);
        },
        async done() {
          log.push(`status done ${chatId}`);
        },
      };
    },
  };
  return { delivery, log, typingOn: () => typingOn };
}

const completed = (answer: string, isError = false): ClaudeEvent => ({
  type: 'completed',
  sessionId: 's',
  answer,
  isError,
  durationMs: 1,
  numTurns: 1,
  totalCostUsd: 0,
  usage: { inputTokens: 1, outputTokens: 1 },
});

function setup(active = 'work') {
  const recorded = recordingDelivery();
  let busy = false;
  const output = new SessionOutput({
    delivery: recorded.delivery,
    activeSessionOf: async () => active,
    isBusy: () => busy,
    logger: pino({ level: 'silent' }),
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
  return { output, ...recorded, setBusy: (value: boolean) => (busy = value), settle };
}

/** A session shared by chats: busy for a chat while that chat is in `waiting`. */
function setupPerChat() {
  const recorded = recordingDelivery();
  const waiting = new Set<number>();
  const sink = new SessionOutput({
    delivery: recorded.delivery,
    activeSessionOf: async () => 'shared',
    isBusy: (_session, chatId) => waiting.has(chatId),
    logger: pino({ level: 'silent' }),
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
  return { output: { sink, waiting }, ...recorded, settle };
}

/** A turn under way in chat 7: Claude is busy and has started a tool. */
function toolStarted(
  output: SessionOutput,
  setBusy: (busy: boolean) => void,
  tool: { name: string; input: Record<string, unknown> } = { name: 'Bash', input: { command: 'make' } },
): void {
  setBusy(true);
  output.queued(7, 'work');
  output.handle(7, 'work', { type: 'tool', phase: 'started', toolUseId: 't1', ...tool });
}

describe('SessionOutput', () => {
  it('types while Claude works, shows progress lines, then the answer', async () => {
    const { output, log, setBusy, settle, typingOn } = setup();
    toolStarted(output, setBusy, { name: 'Read', input: { file_path: '/srv/app/config.json' } });
    setBusy(false);
    output.handle(7, 'work', completed('It is **fine**.'));
    await settle();
    expect(log).toEqual([
      'typing on 7',
      'status 7: Reading config.json…',
      'typing off 7',
      'status done 7',
      'markdown 7: It is **fine**.',
    ]);
    expect(typingOn()).toBe(0);
  });

  it('keeps typing between queued turns and stops after the last', async () => {
    const { output, setBusy, settle, typingOn } = setup();
    setBusy(true);
    output.queued(7, 'work');
    output.queued(7, 'work');
    output.handle(7, 'work', completed('one'));
    await settle();
    expect(typingOn()).toBe(1);
    setBusy(false);
    output.handle(7, 'work', completed('two'));
    await settle();
    expect(typingOn()).toBe(0);
  });

  it('never turns typing on for a turn that already finished', async () => {
    const { output, log, settle, typingOn } = setup();
    output.handle(7, 'work', completed('quick'));
    output.queued(7, 'work');
    await settle();
    expect(typingOn()).toBe(0);
    expect(log).not.toContain('typing on 7');
  });

  it('labels the answers of a session that is not the active one', async () => {
    const { output, log, settle } = setup('other');
    output.handle(7, 'work', completed('from the background'));
    await settle();
    expect(log).toEqual(['markdown 7 [work]: from the background']);
  });

  it('tells an error once and does not also send the failed turn as an answer', async () => {
    const { output, log, settle } = setup();
    output.handle(7, 'work', { type: 'error', kind: 'authentication_failed', status: 401 });
    output.handle(7, 'work', completed('', true));
    await settle();
    expect(log).toEqual([
      'text 7: ⚠️ Claude Code is not logged in on the host. Run `claude` there and sign in with /login, or set ANTHROPIC_API_KEY for the bot.',
    ]);
  });

  it('shows Claude Code retrying the model API as a progress line', async () => {
    const { output, log, setBusy, settle } = setup();
    setBusy(true);
    output.queued(7, 'work');
    output.handle(7, 'work', {
      type: 'retrying',
      attempt: 1,
      maxRetries: 10,
      delayMs: 531,
      status: 529,
      error: 'overloaded',
    });
    await settle();
    expect(log).toEqual([
      'typing on 7',
      "status 7: Claude's API failed (HTTP 529 (overloaded)); retrying in 1 s (1/10)…",
    ]);
  });

  it("labels an error of a session that is not the chat's active one", async () => {
    const { output, log, settle } = setup('other');
    output.handle(7, 'work', { type: 'error', kind: 'max_turns', numTurns: 3 });
    await settle();
    expect(log).toEqual(["text 7: [work] ⚠️ Stopped after 3 turns (the session's limit)."]);
  });

  it('types in each chat that waits for an answer from a shared session, and stops it there alone', async () => {
    const { output, log, settle } = setupPerChat();
    output.waiting.add(1);
    output.waiting.add(2);
    output.sink.queued(1, 'shared');
    output.sink.queued(2, 'shared');
    output.waiting.delete(1);
    output.sink.handle(1, 'shared', completed('for chat 1'));
    await settle();
    expect(log).toEqual(['typing on 1', 'typing on 2', 'typing off 1', 'markdown 1: for chat 1']);
  });

  it('ends typing and the status message when Claude Code gives up, since no result will come', async () => {
    const { output, log, setBusy, settle, typingOn } = setup();
    toolStarted(output, setBusy);
    setBusy(false);
    output.handle(7, 'work', {
      type: 'error',
      kind: 'process_gave_up',
      death: { exitCode: null, signal: 'SIGKILL', cause: undefined },
      unanswered: 1,
      crashes: 4,
      windowMs: 600_000,
    });
    await settle();
    expect(typingOn()).toBe(0);
    expect(log).toEqual([
      'typing on 7',
      'status 7: Running: make…',
      'typing off 7',
      'status done 7',
      "text 7: ⚠️ Claude Code stopped 4 times in 10 min (last: signal SIGKILL). Your last message was not answered. Session 'work' is marked failed; use /session work to start it again.",
    ]);
  });

  it('keeps typing and the status through a restart that will still answer the message', async () => {
    const { output, log, setBusy, settle, typingOn } = setup();
    toolStarted(output, setBusy);
    output.handle(7, 'work', {
      type: 'error',
      kind: 'process_restarting',
      death: { exitCode: null, signal: 'SIGKILL', cause: undefined },
    });
    await settle();
    expect(typingOn()).toBe(1);
    expect(log).not.toContain('status done 7');
    expect(log.at(-1)).toBe(
      'text 7: ⚠️ Claude Code stopped unexpectedly (signal SIGKILL). Restarting it with the conversation so far; your message will be answered.',
    );
  });

  it('reports a refused tool in order with the rest of the turn', async () => {
    const { output, log, settle } = setup();
    output.toolRefused(7, 'work', { name: 'Bash', input: { command: 'rm -rf build' } });
    output.handle(7, 'work', completed('I could not delete it.'));
    await settle();
    expect(log[0]).toMatch(/^text 7: 🚫 Refused: Running: rm -rf build\. .*permission mode \(default\)/);
    expect(log[1]).toBe('markdown 7: I could not delete it.');
  });
});
