/** The bot's flood pacing (flood-pacing.ts) against the strict fake Telegram with its flood limits on. */
import type { Transformer } from 'grammy';
import { describe, expect, it } from 'vitest';
import { IN_FLIGHT_LIMIT_MS } from '../../src/telegram/flood-bucket.ts';
import {
  type FloodLimits,
  type PacingClock,
  paceFloodLimits,
  TELEGRAM_FLOOD_LIMITS,
} from '../../src/telegram/flood-pacing.ts';
import { DEFAULT_RATE_LIMITS, type RateLimitConfig, RateLimiter } from '../fakes/telegram/limits.ts';

/**
 * A virtual clock: sleeps wait in a list and `run` moves time to the earliest one whenever nothing
 * else can happen, so the test sees when each call would leave without waiting for it.
 */
function virtualClock() {
  let time = 0;
  const timers: Array<{ at: number; wake: () => void }> = [];
  const idle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => time,
    sleep: (ms: number, cancel?: AbortSignal) =>
      new Promise<void>((wake) => {
        const timer = { at: time + ms, wake };
        timers.push(timer);
        cancel?.addEventListener('abort', () => {
          const index = timers.indexOf(timer);
          if (index >= 0) timers.splice(index, 1);
          wake();
        });
      }),
    /** Sleeps not yet over. */
    pending: () => timers.length,
    async run<T>(work: Promise<T>): Promise<T> {
      let done = false;
      const result = work.finally(() => {
        done = true;
      });
      for (;;) {
        await idle();
        if (done) break;
        timers.sort((a, b) => a.at - b.at);
        const next = timers.shift();
        if (!next) continue;
        time = Math.max(time, next.at);
        next.wake();
      }
      return result;
    },
  } satisfies PacingClock & Record<string, unknown>;
}

const LIMITS: FloodLimits = {
  privateChat: { burst: 2, perSecond: 1 },
  groupChat: { burst: 3, perSecond: 0.5 },
  global: { burst: 5, perSecond: 10 },
};

function recorder(clock: PacingClock) {
  const sent: Array<{ method: string; chat: unknown; at: number }> = [];
  const prev = (async (method: string, payload: Record<string, unknown>) => {
    sent.push({ method, chat: payload.chat_id, at: clock.now() });
    return { ok: true, result: true };
  }) as unknown as Parameters<Transformer>[0];
  return { sent, prev };
}

describe('flood pacing', () => {
  it('lets a burst through, then one call per interval, in the order the calls were made', async () => {
    const clock = virtualClock();
    const pace = paceFloodLimits(LIMITS, clock);
    const { sent, prev } = recorder(clock);
    await clock.run(
      Promise.all(
        Array.from({ length: 5 }, (_, i) => pace(prev, 'sendMessage', { chat_id: 7, text: `m${i}` })),
      ),
    );
    expect(sent.map((call) => call.at)).toEqual([0, 0, 1000, 2000, 3000]);
  });

  it('a chat that waits never holds up another chat, and calls that do not count are never held', async () => {
    const clock = virtualClock();
    const pace = paceFloodLimits(LIMITS, clock);
    const { sent, prev } = recorder(clock);
    const busy = Array.from({ length: 4 }, () => pace(prev, 'sendMessage', { chat_id: 7, text: 'x' }));
    await clock.run(pace(prev, 'sendChatAction', { chat_id: 7, action: 'typing' }));
    await clock.run(pace(prev, 'sendMessage', { chat_id: 8, text: '/help' }));
    await clock.run(Promise.all(busy));
    const other = sent.find((call) => call.chat === 8);
    expect(other?.at).toBeLessThan(1000);
    expect(sent.find((call) => call.method === 'sendChatAction')?.at).toBe(0);
  });

  it('groups get their own (slower) bucket, and the whole bot shares one', async () => {
    const clock = virtualClock();
    const pace = paceFloodLimits(LIMITS, clock);
    const { sent, prev } = recorder(clock);
    await clock.run(
      Promise.all(
        Array.from({ length: 4 }, () => pace(prev, 'editMessageText', { chat_id: -100, text: 'x' })),
      ),
    );
    expect(sent.map((call) => call.at)).toEqual([0, 0, 0, 2000]);
    sent.length = 0;
    const start = clock.now();
    // Ten chats at once: what the global burst holds goes at once (three were just used in the
    // group, a token came back meanwhile), then ten a second.
    await clock.run(
      Promise.all(
        Array.from({ length: 10 }, (_, i) => pace(prev, 'sendMessage', { chat_id: 1000 + i, text: 'x' })),
      ),
    );
    const atOnce = sent.filter((call) => call.at === start).length;
    expect(atOnce).toBeLessThanOrEqual(LIMITS.global.burst);
    const spreadMs = Math.max(...sent.map((call) => call.at)) - start;
    expect(spreadMs).toBeGreaterThanOrEqual(((10 - atOnce) / LIMITS.global.perSecond) * 1000 - 1);
  });
});

/**
 * A Telegram that counts each call when it arrives, with the strict fake's own token buckets: call
 * `i`, leaving here at `leftAt`, arrives `arriveMs(i, leftAt)` later and is answered `answerMs(i)` after that.
 */
function laggingTelegram(
  clock: ReturnType<typeof virtualClock>,
  limits: RateLimitConfig,
  arriveMs: (i: number, leftAt: number) => number,
  answerMs: (i: number) => number,
) {
  const limiter = new RateLimiter(limits, clock.now);
  const refused: Array<{ chat: number; at: number }> = [];
  const arrived: number[] = [];
  let calls = 0;
  const prev = (async (_method: string, payload: Record<string, unknown>) => {
    const i = calls++;
    await clock.sleep(arriveMs(i, clock.now()));
    const chat = Number(payload.chat_id);
    if (!limiter.tryConsume(chat).allowed) refused.push({ chat, at: clock.now() });
    arrived.push(chat);
    await clock.sleep(answerMs(i));
    return { ok: true, result: true };
  }) as unknown as Parameters<Transformer>[0];
  return { prev, refused, arrived };
}

describe('flood pacing when calls arrive late', () => {
  it('calls held on their way by a stall and arriving together meet no 429 in a private chat', async () => {
    const clock = virtualClock();
    const pace = paceFloodLimits(TELEGRAM_FLOOD_LIMITS, clock);
    // A stall (a starved CPU): every call leaving between 1 s and 4 s arrives at 4 s. Counted only
    // when they left, three of them would arrive at once on a bucket that refilled to three.
    const telegram = laggingTelegram(
      clock,
      DEFAULT_RATE_LIMITS,
      (_i, leftAt) => (leftAt >= 1_000 && leftAt < 4_000 ? 4_000 - leftAt : 0),
      () => 5,
    );
    await clock.run(
      Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          pace(telegram.prev, 'sendMessage', { chat_id: 7, text: `m${i}` }),
        ),
      ),
    );
    expect(telegram.arrived).toHaveLength(12);
    expect(telegram.refused).toEqual([]);
  });

  it('a stall holding the calls of every chat on their way meets no 429 in the global bucket either', async () => {
    const clock = virtualClock();
    const pace = paceFloodLimits(TELEGRAM_FLOOD_LIMITS, clock);
    // Everything leaving between 0.3 s and 1.5 s arrives at 1.5 s, when Telegram's global bucket
    // has refilled: some 36 calls would arrive at once on its 30.
    const telegram = laggingTelegram(
      clock,
      DEFAULT_RATE_LIMITS,
      (_i, leftAt) => (leftAt >= 300 && leftAt < 1_500 ? 1_500 - leftAt : 0),
      () => 5,
    );
    // 21 chats as in the load run (20 groups and one private chat), ten calls each, all at once.
    const chats = [7, ...Array.from({ length: 20 }, (_, i) => -1_000_300 - i)];
    await clock.run(
      Promise.all(
        chats.flatMap((chat) =>
          Array.from({ length: 10 }, () =>
            pace(telegram.prev, 'editMessageText', { chat_id: chat, text: 'x' }),
          ),
        ),
      ),
    );
    expect(telegram.arrived).toHaveLength(210);
    expect(telegram.refused).toEqual([]);
  });

  it('a chat whose calls have not come back waits for one to, for a while at most; other chats do not', async () => {
    const clock = virtualClock();
    const pace = paceFloodLimits(LIMITS, clock);
    const sent: Array<{ chat: unknown; at: number }> = [];
    const answers = new Map<unknown, Array<() => void>>();
    const prev = (async (_method: string, payload: Record<string, unknown>) => {
      sent.push({ chat: payload.chat_id, at: clock.now() });
      if (payload.chat_id !== 8)
        await new Promise<void>((resolve) => {
          answers.set(payload.chat_id, [...(answers.get(payload.chat_id) ?? []), resolve]);
        });
      return { ok: true, result: true };
    }) as unknown as Parameters<Transformer>[0];
    const held = [7, 7, 7, 9, 9, 9].map((chat) => pace(prev, 'sendMessage', { chat_id: chat, text: 'x' }));
    await clock.run(pace(prev, 'sendMessage', { chat_id: 8, text: '/help' }));
    // Each chat's burst of two left; the third waits for one of them to come back.
    await clock.run(clock.sleep(2_000));
    expect(sent.filter((call) => call.chat === 7)).toHaveLength(2);
    expect(sent.filter((call) => call.chat === 9)).toHaveLength(2);
    expect(sent.find((call) => call.chat === 8)?.at).toBe(0);
    answers.get(7)?.shift()?.();
    await clock.run(clock.sleep(1));
    // Chat 7's wait ended by the return: its timer (due when the calls stop counting) is gone; left
    // are chat 7's wait for its next token and chat 9's wait for a return.
    expect(clock.pending()).toBe(2);
    await clock.run(clock.sleep(IN_FLIGHT_LIMIT_MS + 3_000));
    // In chat 7 a second after one came back; in chat 9, where none did, once they stopped counting.
    expect(sent.filter((call) => call.chat === 7).map((call) => call.at)).toEqual([0, 0, 3_000]);
    expect(sent.filter((call) => call.chat === 9).map((call) => call.at)).toEqual([
      0,
      0,
      IN_FLIGHT_LIMIT_MS + 1_000,
    ]);
    for (const resolvers of answers.values()) for (const answer of resolvers) answer();
    await clock.run(Promise.all(held));
  });
});
