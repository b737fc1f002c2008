import type { Logger } from '../logging.ts';
import type { IdleTimers } from './idle-timers.ts';
import type { Session, SessionStore } from './session-store.ts';

/** `last_active_at` is rewritten at most this often: an fsync per message would hold up the chat. */
const LAST_ACTIVE_RESOLUTION_MS = 60_000;

export interface SessionActivityDeps {
  sessions: SessionStore;
  timers: IdleTimers;
  now: () => Date;
  logger: Logger;
}

/**
 * What a message does to its session over time: the idle timer starts again, `last_active_at`
 * is rewritten (to the minute, not the message), and a suspended session is `active` again.
 */
export class SessionActivity {
  /** When each session's `last_active_at` was last written (ms). */
  private readonly writtenAt = new Map<string, number>();

  constructor(private readonly deps: SessionActivityDeps) {}

  /** A session with a conversation to resume, and no process: how long it was idle. */
  resumeOf(session: Session): { idleMs: number } | undefined {
    if (session.metadata.claude_session_id === null) return undefined;
    const idleMs = this.deps.now().getTime() - Date.parse(session.metadata.last_active_at);
    return { idleMs: Math.max(0, idleMs) };
  }

  /** A message went to the session; `resumed`: it was suspended and is `active` again, written at once. */
  async noted(name: string, resumed: boolean): Promise<void> {
    this.deps.timers.activity(name);
    const now = this.deps.now();
    const stale = now.getTime() - (this.writtenAt.get(name) ?? 0) >= LAST_ACTIVE_RESOLUTION_MS;
    if (!stale && !resumed) return;
    this.writtenAt.set(name, now.getTime());
    await this.deps.sessions
      .update(name, { last_active_at: now.toISOString(), ...(resumed ? { status: 'active' as const } : {}) })
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, session: name }, 'metadata update failed'),
      );
  }
}
