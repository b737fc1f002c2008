import type { Logger } from '../logging.ts';

/** The time and timers idle suspension runs on; tests pass a clock they move by hand. */
export interface IdleClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemIdleClock: IdleClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface IdleTimersDeps {
  clock: IdleClock;
  /** SESSION_IDLE_TIMEOUT in ms; 0 never. */
  defaultTimeoutMs: number;
  /** A turn is running or messages wait: never suspended then. */
  hasWork: (name: string) => boolean;
  /** Ends the idle session's process; called at most once per idle period. `lastActivity` in ms. */
  suspend: (name: string, lastActivity: number) => void;
  logger: Logger;
}

interface Watched {
  lastActivity: number;
  /** The session's own timeout (from `/timeout`), else the default. */
  timeoutMs: number | undefined;
  timer: unknown;
  /** Open reasons to stay awake (a permission prompt waiting for the owner). */
  holds: number;
}

/**
 * One timer per live session, reset by every activity (the owner's messages, Claude's events).
 * When it runs out the session is suspended, unless a turn runs, messages wait or something
 * holds it awake: then it waits for the next activity (the turn's end, the hold's release) to
 * start counting again.
 */
export class IdleTimers {
  private readonly watched = new Map<string, Watched>();

  constructor(private readonly deps: IdleTimersDeps) {}

  /** The session's process started: its idle clock starts now. `minutes`: its own timeout, if set. */
  watch(name: string, minutes: number | null | undefined): void {
    this.unwatch(name);
    const timeoutMs = minutes === null || minutes === undefined ? undefined : minutes * 60_000;
    this.watched.set(name, { lastActivity: this.deps.clock.now(), timeoutMs, timer: undefined, holds: 0 });
    this.arm(name);
  }

  /** The session's process is gone: no timer for it. */
  unwatch(name: string): void {
    const watched = this.watched.get(name);
    if (watched) this.deps.clock.clearTimeout(watched.timer);
    this.watched.delete(name);
  }

  /** Something happened in the session: the idle clock starts over. */
  activity(name: string): void {
    const watched = this.watched.get(name);
    if (!watched) return;
    watched.lastActivity = this.deps.clock.now();
    this.arm(name);
  }

  /** The session's own timeout from now on (null: the default again). */
  setTimeoutMinutes(name: string, minutes: number | null): void {
    const watched = this.watched.get(name);
    if (!watched) return;
    watched.timeoutMs = minutes === null ? undefined : minutes * 60_000;
    this.arm(name);
  }

  /** Keeps the session awake until the returned release is called (once; later calls do nothing). */
  hold(name: string): () => void {
    const watched = this.watched.get(name);
    if (!watched) return () => {};
    watched.holds += 1;
    this.deps.clock.clearTimeout(watched.timer);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      watched.holds -= 1;
      if (this.watched.get(name) === watched) this.activity(name);
    };
  }

  /** When the session last did something (ms), while it is watched. */
  lastActivity(name: string): number | undefined {
    return this.watched.get(name)?.lastActivity;
  }

  private arm(name: string): void {
    const watched = this.watched.get(name);
    if (!watched) return;
    const { clock } = this.deps;
    clock.clearTimeout(watched.timer);
    watched.timer = undefined;
    const timeoutMs = watched.timeoutMs ?? this.deps.defaultTimeoutMs;
    if (timeoutMs <= 0 || watched.holds > 0) return;
    const left = Math.max(0, watched.lastActivity + timeoutMs - clock.now());
    watched.timer = clock.setTimeout(() => this.expired(name, watched), left);
  }

  private expired(name: string, watched: Watched): void {
    watched.timer = undefined;
    if (this.watched.get(name) !== watched || watched.holds > 0) return;
    // Busy: the turn's end (or the last waiting message's) is activity, and arms the timer again.
    if (this.deps.hasWork(name)) return;
    this.deps.logger.info(
      { session: name, idleMs: this.deps.clock.now() - watched.lastActivity },
      'session idle; suspending',
    );
    this.unwatch(name);
    this.deps.suspend(name, watched.lastActivity);
  }
}
