// One token bucket of the flood pacing (flood-pacing.ts), which counts the calls it let out and that
// have not come back yet as well as its free tokens.

export interface FloodBucket {
  /** Calls that may go out back to back after a quiet spell. */
  burst: number;
  perSecond: number;
}

/**
 * How long a call that has not come back still counts as possibly on its way: longer than any stall
 * seen under load, short enough that a dead connection (grammY gives up after 60 s) does not hold
 * its chat for a minute.
 */
export const IN_FLIGHT_LIMIT_MS = 5_000;

/** A call let out, until it comes back. */
export interface InFlight {
  readonly at: number;
}

export interface BucketWait {
  /** Milliseconds until a token is there; 0 when one is there now. */
  ms: number;
  /** Whether a call coming back can end the wait sooner (every call allowed is in flight). */
  orReturn: boolean;
}

/**
 * Telegram counts a call when it arrives, which under a busy CPU can be well after it left here, so
 * calls that left apart may arrive together. A call that has come back has arrived, so keeping free
 * tokens plus calls in flight within `burst` bounds what can arrive in any window by what this
 * bucket allows, however late each call arrives (up to IN_FLIGHT_LIMIT_MS).
 */
export class FloodTokenBucket {
  private tokens: number;
  private updatedAt: number;
  /** In the order they left, so the oldest is first. */
  private readonly inFlight = new Set<InFlight>();
  private waiters: Array<() => void> = [];

  constructor(
    private readonly config: FloodBucket,
    now: number,
    private readonly inFlightLimitMs = IN_FLIGHT_LIMIT_MS,
  ) {
    this.tokens = config.burst;
    this.updatedAt = now;
  }

  /** Brought up to `now` (refilled, expired calls dropped): how long until a token is free. */
  timeUntilToken(now: number): BucketWait {
    // Refilled up to the room calls in flight leave (the room before any expires: the smaller).
    this.tokens = Math.min(
      this.config.burst - this.inFlight.size,
      this.tokens + (Math.max(0, now - this.updatedAt) / 1000) * this.config.perSecond,
    );
    this.updatedAt = now;
    this.expire(now);
    if (this.tokens >= 1) return { ms: 0, orReturn: false };
    // Whole milliseconds: a wait of a rounding error's size would not move a clock on at all.
    if (this.inFlight.size < this.config.burst)
      return { ms: Math.ceil(((1 - this.tokens) / this.config.perSecond) * 1000), orReturn: false };
    const oldest = this.inFlight.values().next().value as InFlight;
    return { ms: Math.max(1, Math.ceil(oldest.at + this.inFlightLimitMs - now)), orReturn: true };
  }

  take(now: number): InFlight {
    this.tokens -= 1;
    const call = { at: now };
    this.inFlight.add(call);
    return call;
  }

  /** A call let out has come back (answered or failed): it has arrived, its room is free again. */
  returned(call: InFlight, now: number): void {
    this.timeUntilToken(now);
    if (this.inFlight.delete(call)) this.wake();
  }

  /** Resolves when a call in flight comes back or stops counting. */
  nextReturn(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Full again: the bucket can be forgotten and made anew. */
  full(now: number): boolean {
    return this.timeUntilToken(now).ms === 0 && this.tokens >= this.config.burst;
  }

  private expire(now: number): void {
    let expired = false;
    for (const call of this.inFlight) {
      if (now - call.at < this.inFlightLimitMs) break;
      this.inFlight.delete(call);
      expired = true;
    }
    if (expired) this.wake();
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}
