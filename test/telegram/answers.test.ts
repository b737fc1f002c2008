/**
 * What Telegram did not take is delivered late: each session's missed answers, in order, under a
 * line saying so; notices as they were; past ten answers per chat only the newest are kept.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { UndeliveredChat } from '../../src/state/undelivered.ts';
import { AnswerKeeper, type KeptAnswer } from '../../src/telegram/answers.ts';
import { ManualClock } from './manual-clock.ts';

const CHAT = 7;

function setup(active = 'work') {
  const clock = new ManualClock();
  const startedAt = clock.now();
  const sent: string[] = [];
  /** When each send was tried, on the clock. */
  const tries: number[] = [];
  const telegram: { reachable: boolean; failAfter: number; held?: Promise<void> } = {
    reachable: false,
    failAfter: Number.POSITIVE_INFINITY,
  };
  const deliver = async (line: string) => {
    tries.push(clock.now() - startedAt);
    // A send Telegram is slow to answer.
    if (telegram.held) await telegram.held;
    if (!telegram.reachable || telegram.failAfter <= 0) throw new Error('Network request failed');
    telegram.failAfter -= 1;
    sent.push(line);
  };
  /** Every picture of what is owed the keeper saved, newest last. */
  const saves: UndeliveredChat[][] = [];
  const keeper = new AnswerKeeper({
    send: async (_chatId, text) => deliver(text),
    sendAnswer: async (_chatId, kept, label) => deliver(`${label ? `[${label}] ` : ''}${kept.answer}`),
    activeSessionOf: async () => active,
    store: {
      save: async (chats) => {
        saves.push(structuredClone(chats));
      },
    },
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
  return { keeper, sent, tries, saves, telegram, recover, clock, settle };
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

  it('does not send twice what got through before Telegram failed again: the line comes again before what is left', async () => {
    const { keeper, sent, telegram, recover } = setup();
    keeper.answerNotDelivered(CHAT, answer('work', 'one'));
    keeper.answerNotDelivered(CHAT, answer('work', 'two'));
    telegram.reachable = true;
    telegram.failAfter = 2; // the line and the first answer, then Telegram fails again
    await recover();
    expect(keeper.waiting).toBe(1);
    telegram.failAfter = Number.POSITIVE_INFINITY;
    await recover();
    expect(sent).toEqual([
      "Telegram could not take 2 answers from 'work' for a while. Here they are, late:",
      'one',
      "Telegram could not take an answer from 'work' for a while. Here it is, late:",
      'two',
    ]);
    expect(keeper.waiting).toBe(0);
  });

  it('an answer missed while the others are being sent goes out after them, and none is counted as let go', async () => {
    const clock = new ManualClock();
    const sent: string[] = [];
    let keeper: AnswerKeeper | undefined;
    keeper = new AnswerKeeper({
      send: async (_chatId, text) => {
        sent.push(text);
      },
      sendAnswer: async (_chatId, kept) => {
        sent.push(kept.answer);
        // Telegram fails the turn that ends meanwhile: ten more answers missed while these are sent.
        if (kept.answer === 'answer 1')
          for (let n = 11; n <= 20; n++) keeper?.answerNotDelivered(CHAT, answer('work', `answer ${n}`));
      },
      activeSessionOf: async () => 'work',
      timers: clock,
      logger: pino({ level: 'silent' }),
      firstRetryMs: 1_000,
    });
    for (let n = 1; n <= 10; n++) keeper.answerNotDelivered(CHAT, answer('work', `answer ${n}`));
    for (let i = 0; i < 5 && keeper.waiting > 0; i++) {
      clock.advance(1_000);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(sent.filter((line) => line.startsWith('Telegram'))).toEqual([
      "Telegram could not take 10 answers from 'work' for a while. Here they are, late:",
      "Telegram could not take 10 answers from 'work' for a while. Here they are, late:",
    ]);
    expect(sent.filter((line) => !line.startsWith('Telegram'))).toEqual(
      Array.from({ length: 20 }, (_, i) => `answer ${i + 1}`),
    );
  });

  it('keeps the ten newest answers of a chat and says how many older ones are gone', async () => {
    const { keeper, sent, telegram, recover } = setup();
    for (let n = 1; n <= 12; n++) keeper.answerNotDelivered(CHAT, answer('work', `answer ${n}`));
    telegram.reachable = true;
    await recover();
    expect(sent).toEqual([
      "Telegram could not take 12 answers from 'work' for a while; the 2 oldest were lost. The newest follow, late:",
      ...Array.from({ length: 10 }, (_, i) => `answer ${i + 3}`),
    ]);
  });

  it('says which answers were let go when none of a session is left to send', async () => {
    const { keeper, sent, telegram, recover } = setup('work');
    keeper.answerNotDelivered(CHAT, answer('infra', 'disk is fine'));
    for (let n = 1; n <= 10; n++) keeper.answerNotDelivered(CHAT, answer('work', `answer ${n}`));
    telegram.reachable = true;
    await recover();
    expect(sent[0]).toBe(
      "Telegram could not take an answer from 'infra' for a while, and it was lost. Use /session infra, then /last for the newest.",
    );
    expect(sent.slice(1, 3)).toEqual([
      "Telegram could not take 10 answers from 'work' for a while. Here they are, late:",
      'answer 1',
    ]);
  });

  it('tries again after 1, 2, 4 and 4 s while Telegram takes nothing, and stops on close()', async () => {
    const { keeper, sent, tries, clock, settle } = setup();
    keeper.answerNotDelivered(CHAT, answer('work', 'kept'));
    for (let step = 0; step < 23; step++) {
      clock.advance(500);
      await settle();
    }
    expect(tries).toEqual([1_000, 3_000, 7_000, 11_000]);
    expect(sent).toEqual([]);
    keeper.close();
    clock.advance(10_000);
    await settle();
    expect(tries).toHaveLength(4);
    // Still owed: the next start sends it.
    expect(keeper.waiting).toBe(1);
  });

  it('saves what is owed after every change: a miss, each answer sent, and nothing once all went', async () => {
    const { keeper, saves, telegram, recover } = setup();
    keeper.answerNotDelivered(CHAT, answer('work', 'one'));
    keeper.noticeNotDelivered(CHAT, 'Claude Code restarted.');
    const notice = 'Claude Code restarted.';
    const owed = (answers: KeptAnswer[], notices: string[]) => [
      { chatId: CHAT, answers, dropped: {}, notices },
    ];
    expect(saves).toEqual([owed([answer('work', 'one')], []), owed([answer('work', 'one')], [notice])]);
    telegram.reachable = true;
    telegram.failAfter = 2; // the line and 'one' go, the notice does not
    await recover();
    // Never an empty picture while the notice was still owed.
    expect(saves.length).toBeGreaterThan(2);
    for (const save of saves.slice(2)) expect(save).toEqual(owed([], [notice]));
    telegram.failAfter = Number.POSITIVE_INFINITY;
    await recover();
    expect(saves.at(-1)).toEqual([]);
  });

  it('what a try is sending stays in the saved picture until it has gone', async () => {
    const { keeper, saves, telegram, clock, settle } = setup();
    keeper.answerNotDelivered(CHAT, answer('work', 'one'));
    telegram.reachable = true;
    let release = () => {};
    telegram.held = new Promise((resolve) => {
      release = resolve;
    });
    clock.advance(1_000);
    await settle();
    // The try is held on its first send; a miss meanwhile saves a new picture.
    keeper.answerNotDelivered(CHAT, answer('work', 'two'));
    expect(saves.at(-1)?.[0]?.answers).toEqual([answer('work', 'one'), answer('work', 'two')]);
    telegram.held = undefined;
    release();
    await keeper.drained();
    expect(saves.at(-1)?.[0]?.answers).toEqual([answer('work', 'two')]);
  });

  it('close() during a try: what is under way goes, the rest is not tried and stays saved', async () => {
    const { keeper, sent, saves, telegram, clock, settle } = setup();
    keeper.answerNotDelivered(CHAT, answer('work', 'one'));
    keeper.answerNotDelivered(CHAT, answer('work', 'two'));
    telegram.reachable = true;
    let release = () => {};
    telegram.held = new Promise((resolve) => {
      release = resolve;
    });
    clock.advance(1_000);
    await settle();
    keeper.close();
    telegram.held = undefined;
    release();
    await keeper.drained();
    expect(sent).toEqual(["Telegram could not take 2 answers from 'work' for a while. Here they are, late:"]);
    expect(saves.at(-1)?.[0]?.answers).toEqual([answer('work', 'one'), answer('work', 'two')]);
    clock.advance(60_000);
    await settle();
    expect(sent).toHaveLength(1);
  });

  it('a miss while closed (an answer failing during shutdown) is still saved', async () => {
    const { keeper, saves } = setup();
    keeper.close();
    keeper.answerNotDelivered(CHAT, answer('work', 'last words'));
    expect(saves.at(-1)?.[0]?.answers).toEqual([answer('work', 'last words')]);
  });

  it('restore() puts what an earlier run saved before what this run missed', async () => {
    const { keeper, sent, telegram, recover } = setup('work');
    keeper.answerNotDelivered(CHAT, answer('work', 'this run'));
    keeper.restore([{ chatId: CHAT, answers: [answer('work', 'last run')], dropped: {}, notices: [] }]);
    telegram.reachable = true;
    await recover();
    expect(sent).toEqual([
      "Telegram could not take 2 answers from 'work' for a while. Here they are, late:",
      'last run',
      'this run',
    ]);
  });

  it('restore() sends what an earlier run saved, as if it had been missed in this one', async () => {
    const { keeper, sent, telegram, recover } = setup('work');
    keeper.restore([
      {
        chatId: CHAT,
        answers: [answer('work', 'from before')],
        dropped: { infra: 1 },
        notices: ['Claude Code restarted.'],
      },
    ]);
    telegram.reachable = true;
    await recover();
    expect(sent).toEqual([
      "Telegram could not take an answer from 'infra' for a while, and it was lost. Use /session infra, then /last for the newest.",
      "Telegram could not take an answer from 'work' for a while. Here it is, late:",
      'from before',
      'Claude Code restarted.',
    ]);
  });
});
