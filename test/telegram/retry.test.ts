/** The bounds of retry.ts, with a scripted Telegram and a clock that moves only when told. */
import { HttpError } from 'grammy';
import type { ApiResponse } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { retryFailedCalls } from '../../src/telegram/retry.ts';
import { captureLogger } from '../sessions/helpers.ts';

const serverError: ApiResponse<never> = { ok: false, error_code: 500, description: 'Internal Server Error' };

function harness(answers: (method: string, payload: unknown) => ApiResponse<unknown>, msPerCall = 0) {
  let time = 0;
  const calls: Array<{ method: string; payload: unknown; at: number }> = [];
  const sleeps: number[] = [];
  const transformer = retryFailedCalls({
    logger: captureLogger().logger,
    now: () => time,
    sleep: async (ms) => {
      sleeps.push(ms);
      time += ms;
    },
  });
  const prev = async (method: string, payload: unknown) => {
    calls.push({ method, payload, at: time });
    time += msPerCall;
    return answers(method, payload);
  };
  const call = (method: string, payload: unknown = {}) =>
    transformer(prev as never, method as never, payload as never) as Promise<ApiResponse<unknown>>;
  return { call, calls, sleeps };
}

describe('retrying a call other than getUpdates', () => {
  it('starts no retry after 15 s, however many retries are left', async () => {
    const { call, calls, sleeps } = harness(() => serverError, 6_000);
    expect(await call('sendMessage')).toEqual(serverError);
    // 6 s + 1 s wait, 6 s + 2 s wait reach 15 s; a third retry would begin at 25 s.
    expect(sleeps).toEqual([1_000, 2_000]);
    expect(calls.map((c) => c.at)).toEqual([0, 7_000, 15_000]);
  });

  it('retries a dropped connection, and passes a refusal on at once', async () => {
    let first = true;
    const dropped = harness(() => {
      if (!first) return { ok: true, result: true };
      first = false;
      throw new HttpError('Network request for sendMessage failed!', new Error('ECONNRESET'));
    });
    expect(await dropped.call('sendMessage')).toEqual({ ok: true, result: true });
    expect(dropped.sleeps).toEqual([1_000]);

    const refused: ApiResponse<never> = { ok: false, error_code: 400, description: 'Bad Request: x' };
    const badRequest = harness(() => refused);
    expect(await badRequest.call('sendMessage')).toEqual(refused);
    expect(badRequest.calls).toHaveLength(1);
  });
});

describe('retrying getUpdates', () => {
  it('gives up only on 401 and 409, which no wait will heal', async () => {
    for (const error_code of [401, 409]) {
      const answer: ApiResponse<never> = { ok: false, error_code, description: 'no' };
      const { call, calls } = harness(() => answer);
      expect(await call('getUpdates', { timeout: 30 })).toEqual(answer);
      expect(calls).toHaveLength(1);
    }
  });

  it('honours a long flood wait and asks without a long poll once it has failed', async () => {
    let failures = 2;
    const { call, calls, sleeps } = harness(() =>
      failures-- > 0
        ? { ok: false, error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 40 } }
        : { ok: true, result: [] },
    );
    expect(await call('getUpdates', { offset: 7, timeout: 30 })).toEqual({ ok: true, result: [] });
    expect(sleeps).toEqual([40_000, 40_000]);
    expect(calls.map((c) => c.payload)).toEqual([
      { offset: 7, timeout: 30 },
      { offset: 7, timeout: 0 },
      { offset: 7, timeout: 0 },
    ]);
  });
});
