import type { ClaudeEvent } from '../claude/events.ts';
import type { UserContent } from '../claude/queue.ts';
import type { ClaudeCommand } from '../claude/runner.ts';
import type { Logger } from '../logging.ts';
import type { ChatId } from './chat-store.ts';
import type { Persona } from './personas.ts';
import type { Session, SessionStore } from './session-store.ts';

/** `refs`: the inbound journal's update ids of the message, carried opaquely while it is queued. */
export interface SendOptions {
  coalesce?: boolean;
  refs?: readonly number[];
}

/** What the manager needs of a running Claude Code process (src/claude/ provides it). */
export interface LiveProcess {
  /**
   * `origin`: the chat that sent it; the events of its turn carry it back. `coalesce`: joins the
   * chat's text already waiting, so it is answered as one turn.
   */
  send(content: UserContent, origin: ChatId, options?: SendOptions): void;
  /** Switches the model live (undefined: the default). Absent: the process cannot. */
  setModel?(model: string | undefined): Promise<void>;
  on(listener: (event: ClaudeEvent, origin: ChatId | undefined) => void): () => void;
  /** The chats of the message being answered (first) and of those waiting. */
  readonly origins: ReadonlyArray<ChatId | undefined>;
  readonly queueLength: number;
  /** `busy`: answering; `held`: its conversation cannot be resumed, messages wait for startFresh. */
  readonly state: string;
  /** The Claude Code process's pid while one runs. */
  readonly pid?: number | undefined;
  /** After its conversation could not be resumed: starts a new one; false when there is nothing to decide. */
  startFresh(): boolean;
  close(): Promise<void>;
  /** Interrupts the turn being answered and drops the messages waiting (held ones too). */
  stop(): Promise<{ interrupted: boolean; dropped: number }>;
  /** Interrupts the turn being answered; `text` is the next turn, ahead of those waiting. */
  sendNext(text: string, origin: ChatId, options?: Pick<SendOptions, 'refs'>): Promise<void>;
  /** The `refs` of the message being answered, and of every message queued (the inbound journal's). */
  readonly refs?: { turn: readonly number[]; queued: readonly number[] };
  /** Ends a usage-limit hold, dropping what it held: how many, or undefined when none was on. */
  dropHeld(): number | undefined;
  /** The slash commands the process knows. */
  supportedCommands(): Promise<ClaudeCommand[]>;
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

/** Told when a session's process starts, what it does and when it is stopped (idle timers, failures). */
export interface ProcessWatcher {
  started(session: Session): void;
  /** After the event went to its chat. */
  event(name: string, event: ClaudeEvent): void;
  stopped(name: string): void;
}

interface Live {
  process: LiveProcess;
  /** The chat that used the session last. */
  chatId: ChatId;
  unsubscribe: () => void;
  /** The Claude session id last written to metadata.json, so each turn need not read it back. */
  recordedSessionId: string | null;
  /** The Claude session id being written, so the events of one turn do not each write it again. */
  recordingSessionId?: string;
  /** The model the process reported it runs (`started`). */
  model?: string;
}

/**
 * The running Claude Code processes, one per started session: started once however many callers
 * ask at the same time, their events routed to a chat, their Claude session id kept on disk so a
 * restart resumes the conversation, and every one closed on shutdown.
 */
export class LiveProcesses {
  private readonly live = new Map<string, Live>();
  /** Starts under way: a second caller waits for the same process instead of spawning an orphan. */
  private readonly starting = new Map<string, Promise<Live | undefined>>();
  /** Stops under way: a start waits for them, so a session never has two processes at once. */
  private readonly stopping = new Map<string, Promise<void>>();
  /** Set by closeAll: from then on no process is started, so none outlives the bot. */
  private closedForGood = false;

  constructor(
    private readonly deps: {
      sessions: SessionStore;
      startProcess: StartProcess;
      onEvent: SessionEventSink;
      logger: Logger;
      watcher?: ProcessWatcher;
    },
  ) {}

  /** True once closeAll has begun. */
  get closed(): boolean {
    return this.closedForGood;
  }

  /**
   * The session's process, started if it has none, now used by `chatId`. Undefined when it cannot
   * start: the bot is closing, or the session's persona.json is unreadable (logged).
   */
  async use(chatId: ChatId, session: Session): Promise<LiveProcess | undefined> {
    const live = this.live.get(session.metadata.name) ?? (await this.start(chatId, session));
    if (live) live.chatId = chatId;
    return live?.process;
  }

  /** The session's process if it is running, now used by `chatId`. */
  useRunning(chatId: ChatId, name: string): LiveProcess | undefined {
    const live = this.live.get(name);
    if (live) live.chatId = chatId;
    return live?.process;
  }

  /** The session's process if it is running. */
  running(name: string): LiveProcess | undefined {
    return this.live.get(name)?.process;
  }

  /** Whether the session's Claude is answering or has messages waiting: any, or from `chatId`. */
  isBusy(name: string, chatId?: ChatId): boolean {
    const process = this.live.get(name)?.process;
    // Held messages wait for the owner's decision, not for Claude.
    if (!process || process.state === 'held') return false;
    const origins = process.origins;
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

  /** A turn runs or messages wait (held ones included): the session must not be suspended. */
  hasWork(name: string): boolean {
    return (this.live.get(name)?.process.origins.length ?? 0) > 0;
  }

  isLive(name: string): boolean {
    return this.live.has(name);
  }

  /** A process for the session is being started. */
  isStarting(name: string): boolean {
    return this.starting.has(name);
  }

  /** The model the session's running process reported, if it runs and said. */
  reportedModel(name: string): string | undefined {
    return this.live.get(name)?.model;
  }

  names(): string[] {
    return [...this.live.keys()];
  }

  /** The pids of the running Claude Code processes. */
  pids(): number[] {
    return [...this.live.values()].flatMap(({ process }) => (process.pid === undefined ? [] : [process.pid]));
  }

  /** Ends the session's process (and its tool children) and waits until it has exited. */
  async stop(name: string): Promise<void> {
    const live = this.live.get(name);
    if (!live) return this.stopping.get(name);
    this.live.delete(name);
    live.unsubscribe();
    this.deps.watcher?.stopped(name);
    const stopped = live.process.close().finally(() => {
      if (this.stopping.get(name) === stopped) this.stopping.delete(name);
    });
    this.stopping.set(name, stopped);
    await stopped;
  }

  async closeAll(): Promise<void> {
    this.closedForGood = true;
    await Promise.allSettled(this.starting.values());
    await Promise.allSettled([...this.live.keys()].map((name) => this.stop(name)));
  }

  private start(chatId: ChatId, session: Session): Promise<Live | undefined> {
    const name = session.metadata.name;
    const pending = this.starting.get(name);
    if (pending) return pending;
    const started = this.startNow(chatId, session).finally(() => this.starting.delete(name));
    this.starting.set(name, started);
    return started;
  }

  private async startNow(chatId: ChatId, session: Session): Promise<Live | undefined> {
    const name = session.metadata.name;
    if (this.closedForGood) return undefined;
    await this.stopping.get(name)?.catch(() => undefined);
    const persona = await this.deps.sessions.readPersona(name);
    if (!persona) {
      this.deps.logger.error({ session: name }, 'persona.json missing or damaged');
      return undefined;
    }
    if (this.closedForGood) return undefined;
    const running = this.live.get(name);
    if (running) return running;
    let entry: Live | undefined;
    const process = this.deps.startProcess({
      session,
      persona,
      chatOf: () =>
        (entry?.process.state === 'busy' ? entry.process.origins[0] : undefined) ?? entry?.chatId ?? chatId,
    });
    entry = { process, chatId, unsubscribe: () => {}, recordedSessionId: session.metadata.claude_session_id };
    const live = entry;
    live.unsubscribe = process.on((event, origin) => {
      // A turn that failed before it began (numTurns 0) may name a session with no transcript.
      const began = event.type === 'completed' && (event.numTurns > 0 || !event.isError);
      if (event.type === 'started' || began) this.recordSessionId(live, name, event.sessionId);
      if (event.type === 'started') live.model = event.model;
      // A turn answers the chat that asked; what belongs to no message goes to the chat that used it last.
      this.deps.onEvent(origin ?? live.chatId, name, event);
      this.deps.watcher?.event(name, event);
    });
    this.live.set(name, live);
    this.deps.watcher?.started(session);
    this.deps.logger.info({ session: name }, 'claude process started');
    return live;
  }

  /** Marked recorded only once written: a failed write is retried by the session's next event. */
  private recordSessionId(live: Live, name: string, sessionId: string): void {
    if (!sessionId || live.recordedSessionId === sessionId || live.recordingSessionId === sessionId) return;
    live.recordingSessionId = sessionId;
    void this.deps.sessions
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
