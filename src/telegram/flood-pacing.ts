// Telegram's flood limits, kept by the bot instead of met: every call that counts against them
// (REFERENCE.md: about 1 message/s per chat with short bursts, 20/min per group, 30/s overall; edits
// count too) waits for a token of its chat and of the whole bot before it goes out, in the order it
// was made. Without this, 50 answers in one chat would meet 429s and wait out retry_after instead.
import type { Transformer } from 'grammy';
import { type BucketWait, type FloodBucket, FloodTokenBucket, type InFlight } from './flood-bucket.ts';

export type { FloodBucket } from './flood-bucket.ts';

export interface FloodLimits {
  privateChat: FloodBucket;
  groupChat: FloodBucket;
  global: FloodBucket;
}

/**
 * One token fewer than Telegram tolerates in each bucket, as its limits are only approximately
 * known. The gap between a call leaving here and arriving there is covered by counting calls in
 * flight (flood-bucket.ts), not by this spare token: under a busy CPU that gap can exceed any margin.
 */
export const TELEGRAM_FLOOD_LIMITS: FloodLimits = {
  privateChat: { burst: 2, perSecond: 1 },
  groupChat: { burst: 19, perSecond: 20 / 60 },
  global: { burst: 29, perSecond: 30 },
};

/** The methods that send, edit or delete a message in a chat (sendChatAction and drafts do not count). */
export const PACED_METHODS: ReadonlySet<string> = new Set([
  'sendMessage',
  'editMessageText',
  'editMessageCaption',
  'editMessageMedia',
  'editMessageReplyMarkup',
  'deleteMessage',
  'deleteMessages',
  'sendDocument',
  'sendPhoto',
  'sendMediaGroup',
  'sendVoice',
  'sendAudio',
  'sendVideo',
  'sendAnimation',
  'copyMessage',
  'forwardMessage',
]);

export interface PacingClock {
  now(): number;
  /** Resolves after `ms`, or at once (its timer cleared) when `cancel` aborts. */
  sleep(ms: number, cancel?: AbortSignal): Promise<void>;
}

const realClock: PacingClock = {
  now: () => performance.now(),
  sleep: (ms, cancel) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      cancel?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    }),
};

interface ChatLane {
  bucket: FloodTokenBucket;
  /** Resolves once the last call queued in this chat has its tokens. */
  tail: Promise<unknown>;
  queued: number;
}

/**
 * The grammY transformer. Calls to one chat leave in the order they were made; a call waiting for
 * its chat never holds up another chat's calls (only the shared 30/s bucket is common to all).
 */
export function paceFloodLimits(limits: FloodLimits = TELEGRAM_FLOOD_LIMITS, clock = realClock): Transformer {
  const global = new FloodTokenBucket(limits.global, clock.now());
  const lanes = new Map<string, ChatLane>();

  const waitOn = async (bucket: FloodTokenBucket, { ms, orReturn }: BucketWait): Promise<void> => {
    if (!orReturn) return clock.sleep(ms);
    // A call coming back usually ends the wait first: its timer is cleared, not left to run out
    // (every chat waiting on the shared bucket would otherwise leave one behind at each return).
    const lost = new AbortController();
    await Promise.race([bucket.nextReturn(), clock.sleep(ms, lost.signal)]);
    lost.abort();
  };

  // Both tokens are checked and taken in one synchronous step: another chat's call resuming in
  // between could otherwise take the last global token too.
  const acquire = async (lane: ChatLane): Promise<[InFlight, InFlight]> => {
    for (;;) {
      const chatWait = lane.bucket.timeUntilToken(clock.now());
      if (chatWait.ms > 0) {
        await waitOn(lane.bucket, chatWait);
        continue;
      }
      const globalWait = global.timeUntilToken(clock.now());
      if (globalWait.ms > 0) {
        await waitOn(global, globalWait);
        continue;
      }
      return [lane.bucket.take(clock.now()), global.take(clock.now())];
    }
  };

  const laneOf = (chatId: string | number): ChatLane => {
    const key = String(chatId);
    let lane = lanes.get(key);
    if (!lane) {
      // Chats whose buckets have refilled and that wait for nothing are forgotten: the map holds
      // only the chats in use.
      for (const [idle, other] of lanes)
        if (other.queued === 0 && other.bucket.full(clock.now())) lanes.delete(idle);
      const group = typeof chatId === 'string' ? chatId.startsWith('-') : chatId < 0;
      const config = group ? limits.groupChat : limits.privateChat;
      lane = { bucket: new FloodTokenBucket(config, clock.now()), tail: Promise.resolve(), queued: 0 };
      lanes.set(key, lane);
    }
    return lane;
  };

  return async (prev, method, payload, signal) => {
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    if (!PACED_METHODS.has(method) || (typeof chatId !== 'number' && typeof chatId !== 'string'))
      return prev(method, payload, signal);
    const lane = laneOf(chatId);
    const turn = lane.tail.then(() => acquire(lane));
    lane.tail = turn;
    lane.queued += 1;
    let calls: [InFlight, InFlight];
    try {
      calls = await turn;
    } finally {
      lane.queued -= 1;
    }
    try {
      return await prev(method, payload, signal);
    } finally {
      lane.bucket.returned(calls[0], clock.now());
      global.returned(calls[1], clock.now());
    }
  };
}
