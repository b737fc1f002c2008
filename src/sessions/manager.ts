import type { ClaudeEvent } from '../claude/events.ts';
import type { Logger } from '../logging.ts';
import { isValidName } from './names.ts';
import { type Persona, type PersonaLibrary, unknownPersonaMessage } from './personas.ts';
import {
  type ChatId,
  type Session,
  type SessionStore,
  sessionExistsMessage,
  sessionNotFoundMessage,
} from './store.ts';

/** What the manager needs of a running Claude Code process (src/claude/ provides it). */
export interface LiveProcess {
  /** `origin`: the chat that sent it; the events of its turn carry it back. */
  send(text: string, origin: ChatId): void;
  on(listener: (event: ClaudeEvent, origin: ChatId | undefined) => void): () => void;
  /** The chats of the message being answered (first) and of those waiting. */
  readonly origins: ReadonlyArray<ChatId | undefined>;
  readonly queueLength: number;
  readonly state: string;
  close(): Promise<void>;
}

export interface StartProcessOptions {
  session: Session;
  persona: Persona;
  /** The chat whose message the session is answering, else the one that used it last. */
  chatOf: () => ChatId;
}

export type StartProcess = (options: StartProcessOptions) => LiveProcess;

/** Where a session's events go: the chat whose message they answer, else the chat that used it last. */
export type SessionEventSink = (chatId: ChatId, session: string, event: ClaudeEvent) => void;

export const INVALID_NAME_MESSAGE =
  'Session names are 1–32 letters, digits, - or _, starting with a letter or digit.';

export type Outcome = { ok: true; message: string } | { ok: false; message: string };
export type SendOutcome = { ok: true; session: string; queued: number } | { ok: false; message: string };

export const NO_ACTIVE_SESSION = 'No active session. Use /new <name> to start one.';

export const SHUTTING_DOWN_MESSAGE = 'The bot is shutting down; send that again once it is back.';

interface Live {
  process: LiveProcess;
  chatId: ChatId;
  unsubscribe: () => void;
  /** The Claude session id last written to metadata.json, so each turn need not read it back. */
  recordedSessionId: string | null;
  /** The Claude session id being written, so the events of one turn do not each write it again. */
  recordingSessionId?: string;
  /** When `last_active_at` was last written (ms); it is kept to the minute, not to the message. */
  activeWrittenAt: number;
}

/** `last_active_at` is rewritten at most this often: an fsync per message would hold up the chat. */
const LAST_ACTIVE_RESOLUTION_MS = 60_000;

/**
 * Sessions and their live Claude Code processes: one process per started session, kept alive
 * when the chat switches away, and every process closed on shutdown.
 */
export class SessionManager {
  private readonly live = new Map<string, Live>();
  /** Starts under way: a second caller waits for the same process instead of spawning an orphan. */
  private readonly starting = new Map<string, Promise<Live | undefined>>();
  /** Set by closeAll: from then on no process is started, so none outlives the bot. */
  private closed = false;
  /**
   * Each chat's active session name, as on disk. Switches only happen through this manager, so
   * the hot path of every message and answer reads memory, not chats.json and metadata.json.
   */
  private readonly activeNames = new Map<string, string | undefined>();

  constructor(
    private readonly deps: {
      store: SessionStore;
      personas: PersonaLibrary;
      startProcess: StartProcess;
      onEvent: SessionEventSink;
      now: () => Date;
      logger: Logger;
    },
  ) {}

  /** `/new <name> [persona]`: creates the session, makes it the chat's active one and starts its process. */
  async create(chatId: ChatId, name: string, personaName?: string): Promise<Outcome> {
    if (!isValidName(name)) return { ok: false, message: INVALID_NAME_MESSAGE };
    const persona = await this.deps.personas.get(personaName ?? 'default');
    if (!persona)
      return {
        ok: false,
        message: unknownPersonaMessage(personaName ?? 'default', await this.deps.personas.list()),
      };
    const created = await this.deps.store.create(name, persona);
    if (!created.ok) {
      if (created.error === 'invalid_name') return { ok: false, message: INVALID_NAME_MESSAGE };
      const existing = await this.deps.store.load(name);
      return {
        ok: false,
        message: existing.ok
          ? sessionExistsMessage(name)
          : `A folder '${name}' is already in the sessions directory, but it is not a readable session (${existing.error === 'malformed' ? 'damaged' : 'no'} metadata.json). Move it away or pick another name.`,
      };
    }
    const failed = await this.activate(chatId, name);
    if (failed) return failed;
    return {
      ok: true,
      message:
        personaName === undefined
          ? `Session '${name}' created.`
          : `Session '${name}' created with persona '${persona.name}'.`,
    };
  }

  /** `/session <name>`: switches the chat; the session left behind keeps its process. */
  async switchTo(chatId: ChatId, name: string): Promise<Outcome> {
    if (!isValidName(name) || !(await this.deps.store.get(name)))
      return { ok: false, message: sessionNotFoundMessage(name) };
    const outcome = await this.activate(chatId, name);
    return outcome ?? { ok: true, message: `Switched to session '${name}'.` };
  }

  /** Plain text from the chat: queued for the chat's active session, never dropped. */
  async send(chatId: ChatId, text: string): Promise<SendOutcome> {
    const name = await this.activeName(chatId);
    if (name === undefined) return { ok: false, message: NO_ACTIVE_SESSION };
    if (this.closed) return { ok: false, message: SHUTTING_DOWN_MESSAGE };
    let live = this.live.get(name);
    if (!live) {
      const session = await this.deps.store.get(name);
      if (!session) return { ok: false, message: NO_ACTIVE_SESSION };
      live = await this.start(chatId, session);
      if (!live && this.closed) return { ok: false, message: SHUTTING_DOWN_MESSAGE };
      if (!live)
        return { ok: false, message: `Session '${name}' could not start Claude Code; see the bot's log.` };
    }
    live.chatId = chatId;
    live.process.send(text, chatId);
    const now = this.deps.now();
    if (now.getTime() - live.activeWrittenAt >= LAST_ACTIVE_RESOLUTION_MS) {
      live.activeWrittenAt = now.getTime();
      // After the send, so Claude is never kept waiting for the disk.
      await this.deps.store
        .update(name, { last_active_at: now.toISOString() })
        .catch((error: unknown) =>
          this.deps.logger.warn({ err: error, session: name }, 'metadata update failed'),
        );
    }
    return { ok: true, session: name, queued: live.process.queueLength };
  }

  /** The name of the chat's active session, if it has one. */
  async activeName(chatId: ChatId): Promise<string | undefined> {
    const key = String(chatId);
    if (!this.activeNames.has(key)) {
      const onDisk = (await this.deps.store.activeSession(chatId))?.metadata.name;
      // A switch may have finished while the disk was read: its choice is the newer one.
      if (!this.activeNames.has(key)) this.activeNames.set(key, onDisk);
    }
    return this.activeNames.get(key);
  }

  async list(): Promise<Session[]> {
    return this.deps.store.list();
  }

  /** Whether the session's Claude is answering or has messages waiting: any, or from `chatId`. */
  isBusy(name: string, chatId?: ChatId): boolean {
    const origins = this.live.get(name)?.process.origins ?? [];
    if (chatId === undefined) return origins.length > 0;
    return origins.some((origin) => origin !== undefined && String(origin) === String(chatId));
  }

  /** Messages Claude is answering or has waiting, counted per session and chat. */
  unansweredWork(): Array<{ chatId: ChatId; session: string; unanswered: number }> {
    const work: Array<{ chatId: ChatId; session: string; unanswered: number }> = [];
    for (const [session, live] of this.live) {
      const counts = new Map<string, { chatId: ChatId; unanswered: number }>();
      for (const origin of live.process.origins) {
        const chatId = origin ?? live.chatId;
        const entry = counts.get(String(chatId)) ?? { chatId, unanswered: 0 };
        entry.unanswered += 1;
        counts.set(String(chatId), entry);
      }
      for (const entry of counts.values()) work.push({ session, ...entry });
    }
    return work;
  }

  isLive(name: string): boolean {
    return this.live.has(name);
  }

  liveSessions(): string[] {
    return [...this.live.keys()];
  }

  /** Ends the session's process (and its tool children) and waits until it has exited. */
  async stop(name: string): Promise<void> {
    const live = this.live.get(name);
    if (!live) return;
    this.live.delete(name);
    live.unsubscribe();
    await live.process.close();
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.starting.values());
    await Promise.allSettled([...this.live.keys()].map((name) => this.stop(name)));
  }

  private async activate(chatId: ChatId, name: string): Promise<Outcome | undefined> {
    const switched = await this.deps.store.switchTo(chatId, name);
    if (switched.ok) this.activeNames.set(String(chatId), name);
    if (!switched.ok) {
      if (switched.error === 'malformed')
        return { ok: false, message: `Session '${name}' has a damaged metadata.json: ${switched.detail}` };
      return { ok: false, message: sessionNotFoundMessage(name) };
    }
    const live = this.live.get(name) ?? (await this.start(chatId, switched.session));
    if (live) live.chatId = chatId;
    return undefined;
  }

  /** The session's process, started once however many callers ask for it at the same time. */
  private start(chatId: ChatId, session: Session): Promise<Live | undefined> {
    const name = session.metadata.name;
    const pending = this.starting.get(name);
    if (pending) return pending;
    const started = this.startProcess(chatId, session).finally(() => this.starting.delete(name));
    this.starting.set(name, started);
    return started;
  }

  private async startProcess(chatId: ChatId, session: Session): Promise<Live | undefined> {
    const name = session.metadata.name;
    if (this.closed) return undefined;
    const persona = await this.deps.store.readPersona(name);
    if (!persona) {
      this.deps.logger.error({ session: name }, 'persona.json missing or damaged');
      return undefined;
    }
    if (this.closed) return undefined;
    const running = this.live.get(name);
    if (running) return running;
    let entry: Live | undefined;
    const process = this.deps.startProcess({
      session,
      persona,
      chatOf: () =>
        (entry?.process.state === 'busy' ? entry.process.origins[0] : undefined) ?? entry?.chatId ?? chatId,
    });
    entry = {
      process,
      chatId,
      unsubscribe: () => {},
      recordedSessionId: session.metadata.claude_session_id,
      activeWrittenAt: 0,
    };
    const live = entry;
    live.unsubscribe = process.on((event, origin) => {
      // A turn that failed before it began (numTurns 0) may name a session with no transcript.
      const began = event.type === 'completed' && (event.numTurns > 0 || !event.isError);
      if (event.type === 'started' || began) this.recordSessionId(live, name, event.sessionId);
      // A turn answers the chat that asked; what belongs to no message goes to the chat that used it last.
      this.deps.onEvent(origin ?? live.chatId, name, event);
    });
    this.live.set(name, live);
    this.deps.logger.info({ session: name }, 'claude process started');
    return live;
  }

  /** Marked recorded only once written: a failed write is retried by the session's next event. */
  private recordSessionId(live: Live, name: string, sessionId: string): void {
    if (!sessionId || live.recordedSessionId === sessionId || live.recordingSessionId === sessionId) return;
    live.recordingSessionId = sessionId;
    void this.deps.store
      .update(name, { claude_session_id: sessionId })
      .then((result) => {
        if (result.ok) live.recordedSessionId = sessionId;
        else this.deps.logger.warn({ session: name, error: result.error }, 'could not record session id');
      })
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, session: name }, 'could not record session id'),
      )
      .finally(() => {
        if (live.recordingSessionId === sessionId) live.recordingSessionId = undefined;
      });
  }
}
