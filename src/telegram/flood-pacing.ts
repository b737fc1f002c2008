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
 * One token fewer than Telegram tolerates in each bucket: a call is counted here when it leaves and
 * by Telegram when it arrives, and the spare token absorbs the difference between the two.
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

class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly config: FloodBucket,
    now: number,
  ) {
    this.tokens = config.burst;
    this.updatedAt = now;
  }

  /** Milliseconds until a token is there; 0 when one is there now. */
  waitMs(now: number): number {
    this.tokens = Math.min(
      this.config.burst,
      this.tokens + (Math.max(0, now - this.updatedAt) / 1000) * this.config.perSecond,
    );
    this.updatedAt = now;
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.config.perSecond) * 1000;
  }

  take(): void {
    this.tokens -= 1;
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

  const acquire = async (lane: ChatLane): Promise<void> => {
    for (let wait = lane.bucket.waitMs(clock.now()); wait > 0; wait = lane.bucket.waitMs(clock.now()))
      await clock.sleep(wait);
    for (let wait = global.waitMs(clock.now()); wait > 0; wait = global.waitMs(clock.now()))
      await clock.sleep(wait);
    lane.bucket.take();
    global.take();
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
    return prev(method, payload, signal);
  };
}
