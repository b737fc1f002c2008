/** What the chat sees of a turn that is stopped or hits the usage limit, and the Stop button. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ClaudeEvent } from '../../src/claude/events.ts';
import { controlButtons } from '../../src/telegram/commands/control.ts';
import { systemTimers } from '../../src/telegram/delivery/timers.ts';
import type { AnswerDelivery } from '../../src/telegram/delivery.ts';
import { SessionOutput } from '../../src/telegram/session-output.ts';

function setup() {
  const log: string[] = [];
  let busy = true;
  const buttons = (markup: unknown) =>
    (
      markup as { inline_keyboard?: Array<Array<{ text: string; callback_data: string }>> } | undefined
    )?.inline_keyboard
      ?.flat()
      .map((button) => `${button.text}=${button.callback_data}`)
      .join(',') ?? '';
  const delivery: AnswerDelivery = {
    async sendHtml(chatId, message) {
      log.push(`html ${chatId}: ${message.html}`);
      return 1;
    },
    async sendDocument(chatId, fileName) {
      log.push(`document ${chatId} ${fileName}`);
      return 1;
    },
    answerStream() {
      return { update() {}, async stop() {}, async discard() {} };
    },
    async sendMarkdown(chatId, markdown) {
      log.push(`markdown ${chatId}: ${markdown}`);
      return [1];
    },
    async sendText(chatId, text, extra) {
      log.push(`text ${chatId}: ${text} [${buttons(extra?.replyMarkup)}]`);
      return 1;
    },
    startTyping(chatId) {
      log.push(`typing on ${chatId}`);
      return { stop: () => log.push(`typing off ${chatId}`) };
    },
    statusLine(chatId, extra) {
      log.push(`status line ${chatId} [${buttons(extra?.replyMarkup)}]`);
      return { update: () => {}, done: async () => {} };
    },
  };
  const output = new SessionOutput({
    delivery,
    activeSessionOf: async () => 'work',
    isBusy: () => busy,
    controlButtons,
    timers: { ...systemTimers, now: () => Date.parse('2025-06-01T12:00:00Z') },
    logger: pino({ level: 'silent' }),
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
  return { output, log, settle, setBusy: (value: boolean) => (busy = value) };
}

const completed = (extra: Partial<Extract<ClaudeEvent, { type: 'completed' }>> = {}): ClaudeEvent => ({
  type: 'completed',
  sessionId: 's',
  answer: '',
  isError: true,
  durationMs: 1,
  numTurns: 1,
  totalCostUsd: 0,
  usage: { inputTokens: 0, outputTokens: 0 },
  ...extra,
});

describe('SessionOutput and session control', () => {
  it("puts a Stop button on a running turn's status message", async () => {
    const { output, log, settle } = setup();
    output.queued(7, 'work');
    output.handle(7, 'work', {
      type: 'tool',
      phase: 'started',
      toolUseId: 't',
      name: 'Bash',
      input: { command: 'make' },
    });
    await settle();
    expect(log).toContain('status line 7 [⏹ Stop=stop:work]');
  });

  it('says nothing for a stopped turn that wrote nothing: /stop has answered', async () => {
    const { output, log, settle, setBusy } = setup();
    setBusy(false);
    output.handle(7, 'work', completed({ interrupted: true }));
    await settle();
    expect(log.filter((line) => line.startsWith('markdown') || line.startsWith('text'))).toEqual([]);
  });

  it('tells of a usage limit once, with Cancel, stops typing, and answers nothing for the turn', async () => {
    const { output, log, settle } = setup();
    output.queued(7, 'work');
    const resetsAt = Date.parse('2025-06-01T13:00:00Z');
    output.handle(7, 'work', { type: 'usage_limit', resetsAt, resetKnown: true, held: 1, resending: true });
    output.handle(7, 'work', completed());
    await settle();
    const said = log.filter((line) => line.startsWith('markdown') || line.startsWith('text'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('usage limit is reached. It resets at 2025-06-01 13:00 UTC (in 1 h)');
    expect(said[0]).toContain('[✖️ Cancel=held-cancel:work]');
    expect(log).toContain('typing off 7');
    output.handle(7, 'work', { type: 'usage_limit_lifted', sending: 1 });
    await settle();
    expect(log.at(-1)).toContain('sending the 1 held message(s) now');
    expect(log.filter((line) => line === 'typing on 7')).toHaveLength(2);
  });
});
