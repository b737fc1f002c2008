// Telegram's flood limits as token buckets: a request is let through when both the chat's bucket
// and the global bucket hold a token; otherwise the caller is told how many whole seconds to wait.

export interface BucketConfig {
  capacity: number;
  refillPerSecond: number;
}

export interface RateLimitConfig {
  privateChat: BucketConfig;
  groupChat: BucketConfig;
  global: BucketConfig;
}

export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  privateChat: { capacity: 3, refillPerSecond: 1 },
  groupChat: { capacity: 20, refillPerSecond: 20 / 60 },
  global: { capacity: 30, refillPerSecond: 30 },
};

export const RATE_LIMITED_METHODS = new Set([
  'sendMessage',
  'editMessageText',
  'editMessageReplyMarkup',
  'deleteMessage',
  'sendDocument',
  'sendPhoto',
]);

class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly config: BucketConfig,
    now: number,
  ) {
    this.tokens = config.capacity;
    this.updatedAt = now;
  }

  private refill(now: number): void {
    const elapsedSeconds = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.config.capacity, this.tokens + elapsedSeconds * this.config.refillPerSecond);
    this.updatedAt = now;
  }

  /** Seconds until one token is available; 0 when one is available now. */
  waitSeconds(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) return 0;
    return (1 - this.tokens) / this.config.refillPerSecond;
  }

  take(): void {
    this.tokens -= 1;
  }
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfter: number };

export class RateLimiter {
  private readonly chats = new Map<number, TokenBucket>();
  private readonly global: TokenBucket;

  constructor(
    private readonly config: RateLimitConfig,
    private readonly now: () => number,
  ) {
    this.global = new TokenBucket(config.global, now());
  }

  /** Consumes a token for a send to `chatId`, or says how long to wait (whole seconds, at least 1). */
  tryConsume(chatId: number): RateDecision {
    const now = this.now();
    let chat = this.chats.get(chatId);
    if (!chat) {
      chat = new TokenBucket(chatId < 0 ? this.config.groupChat : this.config.privateChat, now);
      this.chats.set(chatId, chat);
    }
    const wait = Math.max(chat.waitSeconds(now), this.global.waitSeconds(now));
    if (wait > 0) return { allowed: false, retryAfter: Math.max(1, Math.ceil(wait)) };
    chat.take();
    this.global.take();
    return { allowed: true };
  }
}

export function resolveRateLimits(
  option: false | Partial<RateLimitConfig> | undefined,
): RateLimitConfig | null {
  if (option === false) return null;
  return { ...DEFAULT_RATE_LIMITS, ...option };
}
