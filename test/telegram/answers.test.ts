/**
 * What Telegram did not take is delivered late: each session's missed answers, in order, under a
 * line saying so; notices as they were; past ten answers per chat only the newest are kept.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AnswerKeeper, type KeptAnswer } from '../../src/telegram/answers.ts';
import { ManualClock } from './manual-clock.ts';

const CHAT = 7;

function setup(active = 'work') {
  const clock = new ManualClock();
  const sent: string[] = [];
  const telegram = { reachable: false, failAfter: Number.POSITIVE_INFINITY };
  const deliver = (line: string) => {
    if (!telegram.reachable || telegram.failAfter <= 0) throw new Error('Network request failed');
    telegram.failAfter -= 1;
    sent.push(line);
  };
  const keeper = new AnswerKeeper({
    send: async (_chatId, text) => deliver(text),
    sendAnswer: async (_chatId, kept, label) => deliver(`${label ? `[${label}] ` : ''}${kept.answer}`),
    activeSessionOf: async () => active,
    timers: clock,
    logger: pino({ level: 'silent' }),
    firstRetryMs: 1_000,
    maxRetryMs: 4_000,
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
  /** Moves the clock on until the keeper owes the chat nothing (or gives up looking). */
  const recover = async () => {
    for (let i = 0; i < 20 && keeper.waiting > 0; i++) {
      clock.advance(4_000);
      await settle();
    }
  };
  return { keeper, sent, telegram, recover };
}

const answer = (session: string, text: string): KeptAnswer => ({ session, answer: text, mode: 'default' });

describe('AnswerKeeper', () => {
  it("sends each session's missed answers late, in order, the other session's labelled, and then the notices", async () => {
    const { keeper, sent, telegram, recover } = setup('work');
    keeper.answerNotDelivered(CHAT, answer('work', 'first'));
    keeper.noticeNotDelivered(CHAT, 'Claude Code restarted.');
    keeper.answerNotDelivered(CHAT, answer('infra', 'disk is fine'));
    keeper.answerNotDelivered(CHAT, answer('work', 'second'));
    telegram.reachable = true;
    await recover();
    expect(sent).toEqual([
      "Telegram could not take 2 answers from 'work' for a while. Here they are, late:",
      'first',
      'second',
      "Telegram could not take an answer from 'infra' for a while. Here it is, late:",
      '[infra] disk is fine',
      'Claude Code restarted.',
    ]);
    expect(keeper.waiting).toBe(0);
  });

  it('does not send twice what got through before Telegram failed again', async () => {
    const { keeper, sent, telegram, recover } = setup();
    keeper.answerNotDelivered(CHAT, answer('work', 'one'));
    keeper.answerNotDelivered(CHAT, answer('work', 'two'));
    telegram.reachable = true;
    telegram.failAfter = 2; // the line and the first answer, then Telegram fails again
    await recover();
    expect(keeper.waiting).toBe(1);
    telegram.failAfter = Number.POSITIVE_INFINITY;
    await recover();
    expect(sent.filter((line) => line === 'one')).toHaveLength(1);
    expect(sent.filter((line) => line === 'two')).toHaveLength(1);
    expect(sent.at(-1)).toBe('two');
    expect(keeper.waiting).toBe(0);
  });

  it('keeps the ten newest answers of a chat and says how many older ones are gone', async () => {
    const { keeper, sent, telegram, recover } = setup();
    for (let n = 1; n <= 12; n++) keeper.answerNotDelivered(CHAT, answer('work', `answer ${n}`));
    telegram.reachable = true;
    await recover();
    expect(sent).toEqual([
      "Telegram could not take 12 answers from 'work' for a while; the 2 oldest are no longer kept. The newest follow, late:",
      ...Array.from({ length: 10 }, (_, i) => `answer ${i + 3}`),
    ]);
  });

  it('keeps trying with growing waits while Telegram takes nothing, and stops on close()', async () => {
    const { keeper, sent, recover } = setup();
    keeper.answerNotDelivered(CHAT, answer('work', 'kept'));
    await recover();
    expect(sent).toEqual([]);
    expect(keeper.waiting).toBe(1);
    keeper.close();
    expect(keeper.waiting).toBe(0);
  });
});
