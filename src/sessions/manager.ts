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
  send(text: string): void;
  on(listener: (event: ClaudeEvent) => void): () => void;
  readonly queueLength: number;
  readonly state: string;
  close(): Promise<void>;
}

export interface StartProcessOptions {
  session: Session;
  persona: Persona;
  /** The chat the session currently talks to (it changes when another chat switches to it). */
  chatOf: () => ChatId;
}

export type StartProcess = (options: StartProcessOptions) => LiveProcess;

/** Where a session's events go: the chat that last talked to it. */
export type SessionEventSink = (chatId: ChatId, session: string, event: ClaudeEvent) => void;

export const INVALID_NAME_MESSAGE =
  'Session names are 1–32 letters, digits, - or _, starting with a letter or digit.';

export type Outcome = { ok: true; message: string } | { ok: false; message: string };
export type SendOutcome = { ok: true; session: string; queued: number } | { ok: false; message: string };

export const NO_ACTIVE_SESSION = 'No active session. Use /new <name> to start one.';

interface Live {
  process: LiveProcess;
  chatId: ChatId;
  unsubscribe: () => void;
}

/**
 * Sessions and their live Claude Code processes: one process per started session, kept alive
 * when the chat switches away, and every process closed on shutdown.
 */
export class SessionManager {
  private readonly live = new Map<string, Live>();

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
    if (!created.ok)
      return {
        ok: false,
        message: created.error === 'exists' ? sessionExistsMessage(name) : INVALID_NAME_MESSAGE,
      };
    await this.activate(chatId, name);
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
    const session = await this.deps.store.activeSession(chatId);
    if (!session) return { ok: false, message: NO_ACTIVE_SESSION };
    const name = session.metadata.name;
    const live = this.live.get(name) ?? (await this.start(chatId, session));
    if (!live)
      return { ok: false, message: `Session '${name}' could not start Claude Code; see the bot's log.` };
    live.chatId = chatId;
    live.process.send(text);
    // After the send, so Claude is never kept waiting for the disk.
    await this.deps.store
      .update(name, { last_active_at: this.deps.now().toISOString() })
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, session: name }, 'metadata update failed'),
      );
    return { ok: true, session: name, queued: live.process.queueLength };
  }

  async activeSession(chatId: ChatId): Promise<Session | undefined> {
    return this.deps.store.activeSession(chatId);
  }

  async list(): Promise<Session[]> {
    return this.deps.store.list();
  }

  /** Whether the session's Claude is answering or has messages waiting. */
  isBusy(name: string): boolean {
    const process = this.live.get(name)?.process;
    return process !== undefined && (process.state === 'busy' || process.queueLength > 0);
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
    await Promise.allSettled([...this.live.keys()].map((name) => this.stop(name)));
  }

  private async activate(chatId: ChatId, name: string): Promise<Outcome | undefined> {
    const switched = await this.deps.store.switchTo(chatId, name);
    if (!switched.ok) {
      if (switched.error === 'malformed')
        return { ok: false, message: `Session '${name}' has a damaged metadata.json: ${switched.detail}` };
      return { ok: false, message: sessionNotFoundMessage(name) };
    }
    const live = this.live.get(name);
    if (live) live.chatId = chatId;
    else await this.start(chatId, switched.session);
    return undefined;
  }

  private async start(chatId: ChatId, session: Session): Promise<Live | undefined> {
    const name = session.metadata.name;
    const persona = await this.deps.store.readPersona(name);
    if (!persona) {
      this.deps.logger.error({ session: name }, 'persona.json missing or damaged');
      return undefined;
    }
    let entry: Live | undefined;
    const process = this.deps.startProcess({ session, persona, chatOf: () => entry?.chatId ?? chatId });
    entry = { process, chatId, unsubscribe: () => {} };
    const live = entry;
    live.unsubscribe = process.on((event) => {
      // A turn that failed before it began (numTurns 0) may name a session with no transcript.
      const began = event.type === 'completed' && (event.numTurns > 0 || !event.isError);
      if (event.type === 'started' || began) this.recordSessionId(name, event.sessionId);
      this.deps.onEvent(live.chatId, name, event);
    });
    this.live.set(name, live);
    this.deps.logger.info({ session: name }, 'claude process started');
    return live;
  }

  private recordSessionId(name: string, sessionId: string): void {
    void this.deps.store
      .get(name)
      .then((session) => {
        if (session && sessionId && session.metadata.claude_session_id !== sessionId)
          return this.deps.store.update(name, { claude_session_id: sessionId });
      })
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, session: name }, 'could not record session id'),
      );
  }
}
