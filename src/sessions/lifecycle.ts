import type { ClaudeEvent } from '../claude/events.ts';
import type { Logger } from '../logging.ts';
import { type IdleClock, IdleTimers } from './idle-timers.ts';
import type { LiveProcesses, ProcessWatcher } from './live-processes.ts';
import type { IdleTimeoutOutcome } from './outcomes.ts';
import type { MetadataPatch, Session, SessionStore } from './session-store.ts';

export interface SessionLifecycleDeps {
  sessions: SessionStore;
  clock: IdleClock;
  /** SESSION_IDLE_TIMEOUT in ms; 0 never. */
  defaultIdleTimeoutMs: number;
  logger: Logger;
}

/**
 * What happens to a session's process over time, kept on disk in its `metadata.json`: idle
 * sessions are suspended (process ended, status `suspended`, silently), a session whose Claude
 * Code kept crashing is marked failed (`failed_at`) and its process dropped, and after a restart
 * of the bot no session is left `active` without a process.
 */
export class SessionLifecycle implements ProcessWatcher {
  readonly timers: IdleTimers;
  private processes: LiveProcesses | undefined;

  constructor(private readonly deps: SessionLifecycleDeps) {
    this.timers = new IdleTimers({
      clock: deps.clock,
      defaultTimeoutMs: deps.defaultIdleTimeoutMs,
      hasWork: (name) => this.processes?.hasWork(name) ?? false,
      suspend: (name, lastActivity) => void this.suspend(name, lastActivity),
      logger: deps.logger,
    });
  }

  /** The processes it watches (they are built with this as their watcher). */
  attach(processes: LiveProcesses): void {
    this.processes = processes;
  }

  started(session: Session): void {
    this.timers.watch(session.metadata.name, session.metadata.idle_timeout_minutes);
  }

  event(name: string, event: ClaudeEvent): void {
    this.timers.activity(name);
    // After this turn of the event loop: a death gives up with one notice per chat, all to be delivered first.
    if (event.type === 'error' && event.kind === 'process_gave_up')
      setImmediate(() => void this.markFailed(name));
  }

  stopped(name: string): void {
    this.timers.unwatch(name);
  }

  /** Every session `active` on disk has no process after a restart: it is `suspended`. */
  async afterRestart(): Promise<void> {
    for (const session of await this.deps.sessions.list()) {
      if (session.metadata.status === 'active')
        await this.write(session.metadata.name, { status: 'suspended' }, 'could not mark suspended');
    }
  }

  /** The session is started again by the owner: it is no longer failed. */
  async clearFailure(session: Session): Promise<void> {
    if (session.metadata.failed_at)
      await this.write(session.metadata.name, { failed_at: null }, 'could not clear the failure');
  }

  /**
   * The session's idle timeout: set to `minutes` (0 never), or only read without. Stored in its
   * metadata.json as `idle_timeout_minutes`; without one, SESSION_IDLE_TIMEOUT applies.
   */
  async idleTimeout(name: string, session: Session, minutes?: number): Promise<IdleTimeoutOutcome> {
    let own = session.metadata.idle_timeout_minutes;
    if (minutes !== undefined) {
      const updated = await this.deps.sessions.update(name, { idle_timeout_minutes: minutes });
      if (!updated.ok) return { ok: false, reason: 'no_active_session' };
      this.timers.setTimeoutMinutes(name, minutes);
      own = minutes;
    }
    if (own === null || own === undefined)
      return { ok: true, name, timeoutMs: this.deps.defaultIdleTimeoutMs, own: false };
    return { ok: true, name, timeoutMs: own * 60_000, own: true };
  }

  private async suspend(name: string, lastActivity: number): Promise<void> {
    const processes = this.processes;
    if (!processes) return;
    await processes.stop(name);
    // A message that arrived meanwhile started it again: it is not suspended after all.
    if (processes.isLive(name) || processes.isStarting(name)) return;
    const patch = { status: 'suspended', last_active_at: new Date(lastActivity).toISOString() } as const;
    await this.write(name, patch, 'could not mark suspended');
  }

  private async markFailed(name: string): Promise<void> {
    await this.processes?.stop(name);
    const failedAt = new Date(this.deps.clock.now()).toISOString();
    await this.write(name, { failed_at: failedAt, status: 'suspended' }, 'could not mark failed');
    this.deps.logger.warn({ session: name }, 'claude code kept crashing; session marked failed');
  }

  private async write(name: string, patch: MetadataPatch, problem: string): Promise<void> {
    try {
      const result = await this.deps.sessions.update(name, patch);
      if (!result.ok) this.deps.logger.warn({ session: name, error: result.error }, problem);
    } catch (error) {
      this.deps.logger.warn({ err: error, session: name }, problem);
    }
  }
}
