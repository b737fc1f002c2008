/** The bot's flood pacing (flood-pacing.ts) against the strict fake Telegram with its flood limits on. */
import type { Transformer } from 'grammy';
import { describe, expect, it } from 'vitest';
import { type FloodLimits, type PacingClock, paceFloodLimits } from '../../src/telegram/flood-pacing.ts';

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
    sleep: (ms: number) =>
      new Promise<void>((wake) => {
        timers.push({ at: time + ms, wake });
      }),
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
