import type { UserContent } from '../claude/queue.ts';
import type { Logger } from '../logging.ts';
import type { ChatId, ChatStore } from './chat-store.ts';
import { LiveProcesses, type SessionEventSink, type StartProcess } from './live-processes.ts';
import { isValidName } from './names.ts';
import type { ActivateRefusal, CreateOutcome, SendOutcome, SwitchOutcome } from './outcomes.ts';
import type { PersonaLibrary } from './personas.ts';
import type { Session, SessionStore } from './session-store.ts';
import { SessionSwitcher } from './switch.ts';

/** `last_active_at` is rewritten at most this often: an fsync per message would hold up the chat. */
const LAST_ACTIVE_RESOLUTION_MS = 60_000;

export interface SessionManagerDeps {
  sessions: SessionStore;
  chats: ChatStore;
  personas: PersonaLibrary;
  startProcess: StartProcess;
  onEvent: SessionEventSink;
  now: () => Date;
  logger: Logger;
}

/**
 * What a chat does with sessions: create one, switch to one, send it a message. It coordinates
 * the sessions on disk, each chat's active session and the live Claude Code processes (one per
 * started session, kept alive when the chat switches away, all closed on shutdown), and answers
 * with typed outcomes.
 */
export class SessionManager {
  private readonly processes: LiveProcesses;
  private readonly switcher: SessionSwitcher;
  /** When each session's `last_active_at` was last written (ms); kept to the minute, not the message. */
  private readonly lastActiveWrittenAt = new Map<string, number>();

  constructor(private readonly deps: SessionManagerDeps) {
    const { sessions, chats, startProcess, onEvent, now, logger } = deps;
    this.processes = new LiveProcesses({ sessions, startProcess, onEvent, logger });
    this.switcher = new SessionSwitcher({ sessions, chats, now, logger });
  }

  /** Creates the session, makes it the chat's active one and starts its process. */
  async create(chatId: ChatId, name: string, personaName?: string): Promise<CreateOutcome> {
    if (!isValidName(name)) return { ok: false, reason: 'invalid_name', name };
    const wanted = personaName ?? 'default';
    const persona = await this.deps.personas.get(wanted);
    if (!persona) {
      const available = (await this.deps.personas.list()).map(({ name, description }) => ({
        name,
        description,
      }));
      return { ok: false, reason: 'unknown_persona', persona: wanted, available };
    }
    const created = await this.deps.sessions.create(name, persona);
    if (!created.ok) {
      if (created.error === 'invalid_name') return { ok: false, reason: 'invalid_name', name };
      const existing = await this.deps.sessions.load(name);
      if (existing.ok) return { ok: false, reason: 'exists', name };
      const metadata = existing.error === 'malformed' ? 'damaged' : 'missing';
      return { ok: false, reason: 'folder_not_a_session', name, metadata };
    }
    const refused = await this.activate(chatId, name);
    if (refused) return refused;
    return {
      ok: true,
      kind: 'created',
      name,
      persona: persona.name,
      personaGiven: personaName !== undefined,
    };
  }

  /** Makes the session the chat's active one; the session left behind keeps its process. */
  async switchTo(chatId: ChatId, name: string): Promise<SwitchOutcome> {
    if (!isValidName(name) || !(await this.deps.sessions.get(name)))
      return { ok: false, reason: 'not_found', name };
    const refused = await this.activate(chatId, name);
    return refused ?? { ok: true, kind: 'switched', name };
  }

  /**
   * Queues `content` for the chat's active session, starting its process if need be; never dropped.
   * Text, or content blocks (a photo's image with its caption, a saved file's path: issue 11).
   */
  async send(chatId: ChatId, content: UserContent): Promise<SendOutcome> {
    const name = await this.activeName(chatId);
    if (name === undefined) return { ok: false, reason: 'no_active_session' };
    if (this.processes.closed) return { ok: false, reason: 'shutting_down' };
    let process = this.processes.useRunning(chatId, name);
    if (!process) {
      const session = await this.deps.sessions.get(name);
      if (!session) return { ok: false, reason: 'no_active_session' };
      process = await this.processes.use(chatId, session);
      if (!process && this.processes.closed) return { ok: false, reason: 'shutting_down' };
      if (!process) return { ok: false, reason: 'start_failed', name };
    }
    process.send(content, chatId);
    // After the send, so Claude is never kept waiting for the disk.
    await this.noteActivity(name);
    return { ok: true, session: name, queued: process.queueLength };
  }

  /** The name of the chat's active session, if it has one. */
  activeName(chatId: ChatId): Promise<string | undefined> {
    return this.deps.chats.activeName(chatId);
  }

  list(): Promise<Session[]> {
    return this.deps.sessions.list();
  }

  /** Whether the session's Claude is answering or has messages waiting: any, or from `chatId`. */
  isBusy(name: string, chatId?: ChatId): boolean {
    return this.processes.isBusy(name, chatId);
  }

  /** Messages Claude is answering or has waiting, counted per session and chat. */
  unansweredWork(): Array<{ chatId: ChatId; session: string; unanswered: number }> {
    return this.processes.unansweredWork();
  }

  isLive(name: string): boolean {
    return this.processes.isLive(name);
  }

  liveSessions(): string[] {
    return this.processes.names();
  }

  /** Ends the session's process (and its tool children) and waits until it has exited. */
  stop(name: string): Promise<void> {
    return this.processes.stop(name);
  }

  /** Ends every process; from now on none is started. */
  closeAll(): Promise<void> {
    return this.processes.closeAll();
  }

  private async activate(chatId: ChatId, name: string): Promise<ActivateRefusal | undefined> {
    const switched = await this.switcher.switchTo(chatId, name);
    if (!switched.ok) {
      if (switched.error === 'malformed')
        return { ok: false, reason: 'damaged_metadata', name, detail: switched.detail };
      return { ok: false, reason: 'not_found', name };
    }
    await this.processes.use(chatId, switched.session);
    return undefined;
  }

  private async noteActivity(name: string): Promise<void> {
    const now = this.deps.now();
    if (now.getTime() - (this.lastActiveWrittenAt.get(name) ?? 0) < LAST_ACTIVE_RESOLUTION_MS) return;
    this.lastActiveWrittenAt.set(name, now.getTime());
    await this.deps.sessions
      .update(name, { last_active_at: now.toISOString() })
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, session: name }, 'metadata update failed'),
      );
  }
}
