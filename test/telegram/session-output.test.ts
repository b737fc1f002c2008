/** What the chat sees of a session's turns: typing, progress lines, answers, labels. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ClaudeEvent } from '../../src/claude/events.ts';
import type { OutputMode } from '../../src/sessions/session-store.ts';
import { AnswerKeeper } from '../../src/telegram/answers.ts';
import type { AnswerDelivery } from '../../src/telegram/delivery.ts';
import { SessionOutput } from '../../src/telegram/session-output.ts';
import { ManualClock } from './manual-clock.ts';

/** A Delivery that records what it was asked to do. */
function recordingDelivery() {
  const log: string[] = [];
  let typingOn = 0;
  /** `sends`: answers (Markdown) fail; `texts`: notices (plain text) fail. */
  const failing = { sends: false, texts: false };
  const delivery: AnswerDelivery = {
    async sendMarkdown(chatId, markdown, extra) {
      if (failing.sends) throw new Error('Network request failed');
      log.push(`markdown ${chatId}${extra?.label ? ` [${extra.label}]` : ''}: ${markdown}`);
      return [1];
    },
    async sendHtml(chatId, message) {
      log.push(`html ${chatId}: ${message.html}`);
      return 1;
    },
    async sendDocument(chatId, fileName, content, caption) {
      log.push(`document ${chatId} ${fileName} (${content.length} chars): ${caption}`);
      return 1;
    },
    answerStream(chatId) {
      return {
        update(text) {
          log.push(`stream ${chatId}: ${text}`);
        },
        async stop() {
          log.push(`stream stop ${chatId}`);
        },
        async discard() {
          log.push(`stream discard ${chatId}`);
        },
      };
    },
    async sendText(chatId, text) {
      if (failing.texts) throw new Error('Network request failed');
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
        async done(finalText) {
          log.push(`status done ${chatId}${finalText ? `: ${finalText}` : ''}`);
        },
      };
    },
  };
  return { delivery, log, failing, typingOn: () => typingOn };
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

function setup(active = 'work', options: { mode?: OutputMode; keeper?: AnswerKeeper } = {}) {
  const recorded = recordingDelivery();
  let busy = false;
  const clock = new ManualClock();
  const output = new SessionOutput({
    delivery: recorded.delivery,
    activeSessionOf: async () => active,
    isBusy: () => busy,
    outputModeOf: async () => options.mode ?? 'default',
    ...(options.keeper ? { keeper: options.keeper } : {}),
    timers: clock,
    logger: pino({ level: 'silent' }),
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
  return { output, ...recorded, clock, setBusy: (value: boolean) => (busy = value), settle };
}

/** A session shared by chats: busy for a chat while that chat is in `waiting`. */
function setupPerChat() {
  const recorded = recordingDelivery();
  const waiting = new Set<number>();
  const sink = new SessionOutput({
    delivery: recorded.delivery,
    activeSessionOf: async () => 'shared',
    isBusy: (_session, chatId) => waiting.has(chatId),
    timers: new ManualClock(),
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
      'status 7: Reading config.json…\n⏱ 0 s',
      'typing off 7',
      'status done 7: 1 tool · 0 s',
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
      "status 7: Claude's API failed (HTTP 529 (overloaded)); retrying in 1 s (1/10)…\n⏱ 0 s",
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
      'status 7: Running: make…\n⏱ 0 s',
      'typing off 7',
      'status done 7: 1 tool · 0 s',
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
    expect(log.some((line) => line.startsWith('status done 7'))).toBe(false);
    expect(log.at(-1)).toBe(
      'text 7: ⚠️ Claude Code stopped unexpectedly (signal SIGKILL). Restarting it with the conversation so far; your message will be answered.',
    );
  });

  it('streams the answer as it is written, stops the stream before the final answer, then removes the preview', async () => {
    const { output, log, settle } = setup();
    output.handle(7, 'work', { type: 'text_delta', text: 'It is ' });
    output.handle(7, 'work', { type: 'text_delta', text: '**fine**.' });
    output.handle(7, 'work', completed('It is **fine**.'));
    await settle();
    expect(log).toEqual([
      'stream 7: It is ',
      'stream 7: It is **fine**.',
      'stream stop 7',
      'markdown 7: It is **fine**.',
      'stream discard 7',
    ]);
  });

  it('starts the streamed text afresh after a tool call, and the next turn gets a new stream', async () => {
    const { output, log, settle, setBusy } = setup();
    setBusy(true);
    output.handle(7, 'work', { type: 'text_delta', text: 'Let me look.' });
    output.handle(7, 'work', { type: 'tool', phase: 'started', toolUseId: 't', name: 'Read', input: {} });
    output.handle(7, 'work', { type: 'text_delta', text: 'Found it.' });
    output.handle(7, 'work', completed('Found it.'));
    output.handle(7, 'work', { type: 'text_delta', text: 'Next.' });
    await settle();
    expect(log.filter((line) => line.startsWith('stream'))).toEqual([
      'stream 7: Let me look.',
      'stream 7: Found it.',
      'stream stop 7',
      'stream discard 7',
      'stream 7: Next.',
    ]);
  });

  it('shows the elapsed time while a turn runs and collapses the status into a summary', async () => {
    const { output, log, settle, setBusy, clock } = setup();
    toolStarted(output, setBusy);
    output.handle(7, 'work', {
      type: 'tool',
      phase: 'started',
      toolUseId: 't2',
      name: 'Grep',
      input: { pattern: 'TODO' },
    });
    await settle();
    clock.advance(100_000);
    setBusy(false);
    output.handle(7, 'work', completed('done'));
    await settle();
    const statuses = log.filter((line) => line.startsWith('status'));
    expect(statuses).toContain('status 7: Running: make…\nSearching for "TODO"…\n⏱ 1 m 35 s');
    expect(statuses.at(-1)).toBe('status done 7: 2 tools · 1 m 40 s');
  });

  it('in verbose mode sends each finished tool with its input and output as expandable quotes', async () => {
    const { output, log, settle } = setup('work', { mode: 'verbose' });
    output.handle(7, 'work', {
      type: 'tool',
      phase: 'completed',
      toolUseId: 't1',
      name: 'Bash',
      input: { command: 'ls <dir>' },
      output: 'a.txt\nb.txt',
    });
    await settle();
    expect(log).toEqual([
      'html 7: <b>🔧 Running: ls &lt;dir&gt;</b>\n<blockquote expandable>ls &lt;dir&gt;</blockquote>\n<blockquote expandable>a.txt\nb.txt</blockquote>',
    ]);
  });

  it('sends no tool details in the default mode', async () => {
    const { output, log, settle } = setup();
    output.handle(7, 'work', {
      type: 'tool',
      phase: 'completed',
      toolUseId: 't1',
      name: 'Bash',
      input: {},
      output: 'x',
    });
    await settle();
    expect(log).toEqual([]);
  });

  it('in smart mode sends a long answer as a summary of its headings plus the full text as a file', async () => {
    const { output, log, settle } = setup('work', { mode: 'smart' });
    const answer = [
      '# Upgrade plan',
      'Three steps. Each one is safe.',
      '## Back up',
      `Take a snapshot first. ${'More detail. '.repeat(120)}`,
      '```sh',
      'vzdump 101',
      '```',
      '## Upgrade',
      'Run apt full-upgrade on the node.',
    ].join('\n');
    output.handle(7, 'work', completed(answer));
    await settle();
    expect(log).toEqual([
      'markdown 7: • **Upgrade plan** — Three steps.\n• **Back up** — Take a snapshot first.\n• **Upgrade** — Run apt full-upgrade on the node.',
      `document 7 answer.md (${answer.length} chars): The full answer (${answer.length} characters).`,
    ]);
  });

  it('in smart mode sends a short answer as it is', async () => {
    const { output, log, settle } = setup('work', { mode: 'smart' });
    output.handle(7, 'work', completed('Short.'));
    await settle();
    expect(log).toEqual(['markdown 7: Short.']);
  });

  it('keeps an answer Telegram did not take, for /last and to send late once Telegram is back', async () => {
    const clock = new ManualClock();
    const told: string[] = [];
    let reachable = false;
    const keeper = new AnswerKeeper({
      send: async (_chatId, text) => {
        if (!reachable) throw new Error('Network request failed');
        told.push(text);
      },
      sendAnswer: async (_chatId, kept, label) => {
        if (!reachable) throw new Error('Network request failed');
        told.push(`${kept.mode} ${label ?? '-'}: ${kept.answer}`);
      },
      activeSessionOf: async () => 'work',
      timers: clock,
      logger: pino({ level: 'silent' }),
    });
    const { output, failing, settle } = setup('work', { keeper });
    failing.sends = true;
    output.handle(7, 'work', completed('The **answer**.'));
    await settle();
    expect(keeper.last('work')).toBe('The **answer**.');
    clock.advance(2_000);
    await settle();
    expect(told).toEqual([]);
    reachable = true;
    clock.advance(4_000);
    await settle();
    expect(told).toEqual([
      "Telegram could not take an answer from 'work' for a while. Here it is, late:",
      'default -: The **answer**.',
    ]);
    expect(keeper.waiting).toBe(0);
  });

  it('does not keep a shutdown notice Telegram did not take: the next start tells of those turns itself', async () => {
    const kept: string[] = [];
    const keeper = new AnswerKeeper({
      send: async () => undefined,
      sendAnswer: async () => undefined,
      activeSessionOf: async () => 'work',
      store: {
        save: async (chats) => {
          kept.push(...chats.flatMap((chat) => chat.notices));
        },
      },
      timers: new ManualClock(),
      logger: pino({ level: 'silent' }),
    });
    const { output, failing, settle } = setup('work', { keeper });
    failing.texts = true;
    output.shuttingDown(7, 'work', 2, true);
    output.handle(7, 'work', {
      type: 'error',
      kind: 'process_restarted',
      death: { exitCode: 1, signal: null, cause: undefined },
    });
    await settle();
    // The error notice is kept; the shutdown notice is not.
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((notice) => !notice.includes('shutting down'))).toBe(true);
    keeper.close();
  });
});
