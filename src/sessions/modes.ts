import type { Logger } from '../logging.ts';
import type { ChatId } from './chat-store.ts';
import type { PermissionMode } from './personas.ts';
import type { SessionStore } from './session-store.ts';

/** What a mode switch did. */
export type ModeOutcome =
  | { ok: true; name: string; mode: PermissionMode }
  | { ok: false; reason: 'not_found'; name: string }
  /** Claude Code runs as root without IS_SANDBOX=1: it would refuse to start in bypass mode. */
  | { ok: false; reason: 'bypass_unavailable'; name: string }
  /** Bypass needs a new process, and a turn is running in the current one. */
  | { ok: false; reason: 'busy'; name: string };

/** A running Claude Code process whose mode can be switched live. */
export interface ModeTarget {
  setPermissionMode(mode: PermissionMode): Promise<void>;
  /** The mode the process is already in (switched by Claude Code itself): for the next process it starts. */
  rememberPermissionMode(mode: PermissionMode): void;
}

export interface SessionModesDeps {
  sessions: SessionStore;
  isBusy: (name: string) => boolean;
  /** Ends the session's process and starts a new one, which reads the stored mode. */
  restart: (chatId: ChatId, name: string) => Promise<void>;
  /** False when running as root without IS_SANDBOX=1 (Claude Code then exits at once in bypass). */
  bypassAvailable: boolean;
  logger: Logger;
}

/**
 * Each session's permission mode: stored in metadata.json (`permission_mode`, over the persona's),
 * switched live in its running process, and for bypass (which Claude Code only accepts at start)
 * by starting the process again.
 */
export class SessionModes {
  private readonly live = new Map<string, ModeTarget>();

  constructor(private readonly deps: SessionModesDeps) {}

  /** The process now serving `name` (a newer one replaces an older). */
  attach(name: string, target: ModeTarget): void {
    this.live.set(name, target);
  }

  /** The mode a new process of the session starts in. */
  startingMode(stored: PermissionMode | undefined, personaMode: PermissionMode | undefined): PermissionMode {
    const wanted = stored ?? personaMode ?? 'default';
    if (wanted === 'bypassPermissions' && !this.deps.bypassAvailable) return 'default';
    return wanted;
  }

  get bypassAvailable(): boolean {
    return this.deps.bypassAvailable;
  }

  /** The session's mode now, or undefined when there is no such session. */
  async current(name: string): Promise<PermissionMode | undefined> {
    const session = await this.deps.sessions.get(name);
    if (!session) return undefined;
    const persona = await this.deps.sessions.readPersona(name);
    return this.startingMode(session.metadata.permission_mode, persona?.settings.permission_mode);
  }

  /** Switches the session to `mode` and stores it; `chatId` is the chat asking (a restart serves it). */
  async set(chatId: ChatId, name: string, mode: PermissionMode): Promise<ModeOutcome> {
    if (mode === 'bypassPermissions') {
      if (!this.deps.bypassAvailable) return { ok: false, reason: 'bypass_unavailable', name };
      if (this.deps.isBusy(name)) return { ok: false, reason: 'busy', name };
    }
    const before = await this.current(name);
    if (before === undefined) return { ok: false, reason: 'not_found', name };
    const stored = await this.deps.sessions.update(name, { permission_mode: mode });
    if (!stored.ok) return { ok: false, reason: 'not_found', name };
    const target = this.live.get(name);
    if (mode === 'bypassPermissions') {
      if (target && before !== mode) await this.deps.restart(chatId, name);
    } else if (target) {
      await target
        .setPermissionMode(mode)
        .catch((error: unknown) =>
          this.deps.logger.warn({ err: error, session: name, mode }, 'could not switch the live mode'),
        );
    }
    return { ok: true, name, mode };
  }

  /**
   * Claude Code switches the mode itself (an approved plan, answered with `setMode`): only stored,
   * so the session's next process starts in it. Switching the live process too would race the answer.
   */
  async record(name: string, mode: PermissionMode): Promise<void> {
    await this.deps.sessions.update(name, { permission_mode: mode });
    this.live.get(name)?.rememberPermissionMode(mode);
  }
}
