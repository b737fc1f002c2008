// Who retries a failed Telegram call, and for how long. This transformer is the one owner of retries
// after a dropped connection or a Telegram 5xx; auto-retry (installed beneath it, see api.ts) only
// waits out flood control (429 retry_after). Delivery and the runner retry nothing themselves.
//
// - getUpdates and getMe (the bot cannot run without them): retried until Telegram answers, however
//   long the outage, waiting `pollFirstDelayMs` and doubling up to `pollMaxDelayMs`. The wait stays
//   short, so after an outage the bot hears the owner again within `pollMaxDelayMs` (plus the one
//   request's timeout) of Telegram coming back. One warning per failed try, one line on recovery.
//   Only 401 (token revoked) and 409 (another instance polls) are given up: they do not heal.
// - Every other call: retried after each of `sendDelaysMs` (1 s, 2 s, 4 s), and no retry starts later
//   than `sendWithinMs` after the call began; then the failure goes to the caller (delivery logs it).
import { HttpError, type Transformer } from 'grammy';
import type { ApiResponse } from 'grammy/types';
import type { Logger } from '../logging.ts';

export interface RetryPolicy {
  /** The waits before each retry of a call other than getUpdates/getMe: its length is the retry count. */
  sendDelaysMs: readonly number[];
  /** No retry of such a call starts later than this after the call began. */
  sendWithinMs: number;
  /** getUpdates/getMe: the wait after the first failure, doubled per failure up to `pollMaxDelayMs`. */
  pollFirstDelayMs: number;
  pollMaxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  sendDelaysMs: [1_000, 2_000, 4_000],
  sendWithinMs: 15_000,
  pollFirstDelayMs: 250,
  pollMaxDelayMs: 5_000,
};

export interface RetryDeps {
  logger: Logger;
  policy?: Partial<RetryPolicy>;
  /** Waits `ms`, rejecting at once when `signal` aborts (the runner stopping). */
  sleep?: (ms: number, signal?: Signal) => Promise<void>;
  now?: () => number;
}

const UNTIL_REACHED = new Set(['getUpdates', 'getMe']);
/** Telegram answers that no wait will change. */
const HOPELESS = new Set([401, 409]);

type Outcome = { response: ApiResponse<unknown> } | { thrown: unknown };
/** grammY's and the runner's signals come from the abort-controller polyfill: only these members. */
interface Signal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

function abortableSleep(ms: number, signal?: Signal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error('aborted'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort);
  });
}

function describe(outcome: Outcome): string {
  if ('response' in outcome) {
    const { response } = outcome;
    return response.ok ? 'ok' : `${response.error_code} ${response.description}`;
  }
  const { thrown } = outcome;
  if (thrown instanceof HttpError) return `${thrown.message} (${String(thrown.error)})`;
  return thrown instanceof Error ? thrown.message : String(thrown);
}

/** The grammY transformer that retries failed calls as the file comment describes. */
export function retryFailedCalls(deps: RetryDeps): Transformer {
  const policy = { ...DEFAULT_RETRY_POLICY, ...deps.policy };
  const { logger } = deps;
  const sleep = deps.sleep ?? abortableSleep;
  const now = deps.now ?? Date.now;

  async function attempt(call: () => Promise<ApiResponse<unknown>>, signal?: Signal): Promise<Outcome> {
    try {
      return { response: await call() };
    } catch (thrown) {
      if (signal?.aborted) throw thrown;
      return { thrown };
    }
  }

  /** `call(retrying)`: a retry of getUpdates asks for no long poll, so it answers as soon as it can. */
  async function untilReached(
    method: string,
    call: (retrying: boolean) => Promise<ApiResponse<unknown>>,
    signal?: Signal,
  ) {
    let failures = 0;
    let downSince = 0;
    for (;;) {
      const outcome = await attempt(() => call(failures > 0), signal);
      if ('response' in outcome) {
        const { response } = outcome;
        if (response.ok) {
          if (failures > 0)
            logger.info({ method, failures, downForMs: now() - downSince }, 'Telegram reached again');
          return response;
        }
        if (HOPELESS.has(response.error_code)) return response;
      }
      if (failures === 0) downSince = now();
      failures += 1;
      let nextTryMs = Math.min(policy.pollMaxDelayMs, policy.pollFirstDelayMs * 2 ** (failures - 1));
      const retryAfter =
        'response' in outcome && !outcome.response.ok ? outcome.response.parameters?.retry_after : undefined;
      if (retryAfter !== undefined) nextTryMs = Math.max(nextTryMs, retryAfter * 1000);
      logger.warn(
        { method, failures, nextTryMs, error: describe(outcome) },
        'cannot reach Telegram; trying again',
      );
      await sleep(nextTryMs, signal);
    }
  }

  async function bounded(method: string, call: () => Promise<ApiResponse<unknown>>, signal?: Signal) {
    const startedAt = now();
    for (let retry = 0; ; retry++) {
      const outcome = await attempt(call, signal);
      const transient =
        'response' in outcome
          ? !outcome.response.ok && outcome.response.error_code >= 500
          : outcome.thrown instanceof HttpError;
      const delayMs = policy.sendDelaysMs[retry];
      if (!transient || delayMs === undefined || now() - startedAt + delayMs > policy.sendWithinMs) {
        if ('thrown' in outcome) throw outcome.thrown;
        return outcome.response;
      }
      logger.warn(
        { method, retry: retry + 1, delayMs, error: describe(outcome) },
        'telegram call failed, retrying',
      );
      await sleep(delayMs, signal);
    }
  }

  return (prev, method, payload, signal) => {
    const stopping = signal as Signal | undefined;
    // The first getUpdates that gets through after an outage returns at once (with what is pending,
    // perhaps nothing) instead of holding a 30 s long poll: the recovery is logged when it happens,
    // and the runner's next poll is an ordinary one.
    const call = (retrying = false) =>
      prev(
        method,
        retrying && method === 'getUpdates' ? ({ ...payload, timeout: 0 } as typeof payload) : payload,
        signal,
      ) as Promise<ApiResponse<unknown>>;
    const retried = UNTIL_REACHED.has(method)
      ? untilReached(method, call, stopping)
      : bounded(method, () => call(), stopping);
    return retried as ReturnType<typeof prev<typeof method>>;
  };
}
