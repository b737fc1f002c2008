// Telegram's flood limits, kept by the bot instead of met: every call that counts against them
// (REFERENCE.md: about 1 message/s per chat with short bursts, 20/min per group, 30/s overall; edits
// count too) waits for a token of its chat and of the whole bot before it goes out, in the order it
// was made. Without this, 50 answers in one chat would meet 429s and wait out retry_after instead.
import type { Transformer } from 'grammy';

export interface FloodBucket {
  /** Calls that may go out back to back after a quiet spell. */
  burst: number;
  perSecond: number;
}

export interface FloodLimits {
  privateChat: FloodBucket;
  groupChat: FloodBucket;
  global: FloodBucket;
}

/**
 * One token fewer than Telegram tolerates in each bucket, as its limits are only approximately
 * known. The gap between a call leaving here and arriving there is covered by counting calls in
 * flight (TokenBucket), not by this spare token: under a busy CPU that gap can exceed any margin.
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
  sleep(ms: number): Promise<void>;
}

const realClock: PacingClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A token bucket that also counts the calls it let out and that have not come back yet. Telegram
 * counts a call when it arrives, which under a busy CPU can be well after it left here, so calls that
 * left apart may arrive together. A call that has come back has arrived, so keeping free tokens plus
 * calls in flight within `burst` bounds what can arrive in any window by what this bucket allows, however
 * late each call arrives.
 */
class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private inFlight = 0;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly config: FloodBucket,
    now: number,
  ) {
    this.tokens = config.burst;
    this.updatedAt = now;
  }

  /** Milliseconds until a token is there; 0 when one is there now; Infinity until a call comes back. */
  waitMs(now: number): number {
    const room = this.config.burst - this.inFlight;
    this.tokens = Math.min(
      room,
      this.tokens + (Math.max(0, now - this.updatedAt) / 1000) * this.config.perSecond,
    );
    this.updatedAt = now;
    if (this.tokens >= 1) return 0;
    if (room < 1) return Number.POSITIVE_INFINITY;
    // Whole milliseconds: a wait of a rounding error's size would not move a clock on at all.
    return Math.ceil(((1 - this.tokens) / this.config.perSecond) * 1000);
  }

  take(): void {
    this.tokens -= 1;
    this.inFlight += 1;
  }

  /** A call let out has come back (answered or failed): its room is free again. */
  returned(now: number): void {
    this.waitMs(now);
    this.inFlight -= 1;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves when the next call in flight comes back. */
  nextReturn(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Full again: the bucket can be forgotten and made anew. */
  full(now: number): boolean {
    return this.waitMs(now) === 0 && this.tokens >= this.config.burst;
  }
}

interface ChatLane {
  bucket: TokenBucket;
  /** Resolves once the last call queued in this chat has its tokens. */
  tail: Promise<void>;
  queued: number;
}

/**
 * The grammY transformer. Calls to one chat leave in the order they were made; a call waiting for
 * its chat never holds up another chat's calls (only the shared 30/s bucket is common to all).
 */
export function paceFloodLimits(limits: FloodLimits = TELEGRAM_FLOOD_LIMITS, clock = realClock): Transformer {
  const global = new TokenBucket(limits.global, clock.now());
  const lanes = new Map<string, ChatLane>();

  const waitOn = (bucket: TokenBucket, ms: number): Promise<void> =>
    ms === Number.POSITIVE_INFINITY ? bucket.nextReturn() : clock.sleep(ms);

  // Both tokens are checked and taken in one synchronous step: another chat's call resuming in
  // between could otherwise take the last global token too.
  const acquire = async (lane: ChatLane): Promise<void> => {
    for (;;) {
      const chatWait = lane.bucket.waitMs(clock.now());
      if (chatWait > 0) {
        await waitOn(lane.bucket, chatWait);
        continue;
      }
      const globalWait = global.waitMs(clock.now());
      if (globalWait > 0) {
        await waitOn(global, globalWait);
        continue;
      }
      lane.bucket.take();
      global.take();
      return;
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
      lane = { bucket: new TokenBucket(config, clock.now()), tail: Promise.resolve(), queued: 0 };
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
    try {
      await turn;
    } finally {
      lane.queued -= 1;
    }
    try {
      return await prev(method, payload, signal);
    } finally {
      lane.bucket.returned(clock.now());
      global.returned(clock.now());
    }
  };
}
