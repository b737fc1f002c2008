import type { UserContent } from '../claude/queue.ts';
import type { ClaudeCommand } from '../claude/runner.ts';
import type { Logger } from '../logging.ts';
import { SessionActivity } from './activity.ts';
import type { ChatId, ChatStore } from './chat-store.ts';
import { createOnDisk } from './create.ts';
import { type DeliverDeps, deliverToActive } from './deliver.ts';
import { type IdleClock, systemIdleClock } from './idle-timers.ts';
import { SessionLifecycle } from './lifecycle.ts';
import {
  type LiveProcess,
  LiveProcesses,
  type SendOptions,
  type SessionEventSink,
  type StartProcess,
} from './live-processes.ts';
import type {
  ActivateRefusal,
  CreateOutcome,
  IdleTimeoutOutcome,
  SendOutcome,
  StartFreshOutcome,
  StopOutcome,
  SwitchOutcome,
} from './outcomes.ts';
import { type SessionsOverview, sessionsOverview } from './overview.ts';
import type { PersonaLibrary } from './personas.ts';
import type { Session, SessionStore } from './session-store.ts';
import { SessionSwitcher } from './switch.ts';
import { UsageLedger } from './usage.ts';

/** SESSION_IDLE_TIMEOUT's default. */
const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60_000;

export interface SessionManagerDeps {
  sessions: SessionStore;
  chats: ChatStore;
  personas: PersonaLibrary;
  startProcess: StartProcess;
  onEvent: SessionEventSink;
  now: () => Date;
  logger: Logger;
  /** SESSION_IDLE_TIMEOUT in ms (0 never); default 10 min. */
  idleTimeoutMs?: number;
  /** The idle timers' clock; default the system's. */
  idleClock?: IdleClock;
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
  private readonly lifecycle: SessionLifecycle;
  private readonly delivery: DeliverDeps;

  constructor(private readonly deps: SessionManagerDeps) {
    const { sessions, chats, startProcess, now, logger } = deps;
    const usage = new UsageLedger({ sessions, logger });
    const onEvent: SessionEventSink = (chatId, name, event) => {
      if (event.type === 'completed') void usage.record(name, event);
      deps.onEvent(chatId, name, event);
    };
    this.lifecycle = new SessionLifecycle({
      sessions,
      clock: deps.idleClock ?? systemIdleClock,
      defaultIdleTimeoutMs: deps.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      logger,
    });
    const activity = new SessionActivity({ sessions, timers: this.lifecycle.timers, now, logger });
    this.processes = new LiveProcesses({ sessions, startProcess, onEvent, logger, watcher: this.lifecycle });
    this.lifecycle.attach(this.processes);
    this.switcher = new SessionSwitcher({ sessions, chats, now, logger });
    this.delivery = { sessions, chats, processes: this.processes, activity };
  }

  /** Creates the session, makes it the chat's active one and starts its process. */
  async create(chatId: ChatId, name: string, personaName?: string): Promise<CreateOutcome> {
    const created = await createOnDisk(this.deps, name, personaName);
    if (!created.ok) return created;
    const refused = await this.activate(chatId, name);
    if (refused) return refused;
    return {
      ok: true,
      kind: 'created',
      name,
      persona: created.persona,
      personaGiven: personaName !== undefined,
    };
  }

  /** Makes the session the chat's active one; the session left behind keeps its process. */
  async switchTo(chatId: ChatId, name: string): Promise<SwitchOutcome> {
    const loaded = await this.deps.sessions.load(name);
    if (!loaded.ok && loaded.error === 'malformed')
      return { ok: false, reason: 'damaged_metadata', name, detail: loaded.detail };
    if (!loaded.ok) return { ok: false, reason: 'not_found', name };
    const refused = await this.activate(chatId, name);
    return refused ?? { ok: true, kind: 'switched', name };
  }

  /**
   * Queues `content` for the chat's active session, starting its process if need be; never dropped.
   * Text, or content blocks (a photo's image with its caption, a saved file's path: issue 11).
   * `coalesce`: joins the chat's text still waiting there (batching), so it goes as one turn.
   * `onQueued` runs the moment it is queued, before any event of its turn, and `refs` stay readable
   * in the process's `refs` while it is queued (the inbound journal).
   */
  send(
    chatId: ChatId,
    content: UserContent,
    options: SendOptions & { onQueued?: (session: string) => void } = {},
  ): Promise<SendOutcome> {
    const { onQueued, ...sendOptions } = options;
    return deliverToActive(
      this.delivery,
      chatId,
      (process) => process.send(content, chatId, sendOptions),
      onQueued,
    );
  }

  /** Interrupts the active session's turn; `text` is its next turn, ahead of what waits. */
  sendNext(
    chatId: ChatId,
    text: string,
    options: Pick<SendOptions, 'refs'> & { onQueued?: (session: string) => void } = {},
  ): Promise<SendOutcome> {
    const { onQueued, ...sendOptions } = options;
    return deliverToActive(
      this.delivery,
      chatId,
      (process) => process.sendNext(text, chatId, sendOptions),
      onQueued,
    );
  }

  /** Interrupts the turn of the chat's active session and drops its waiting messages. */
  async stopTurn(chatId: ChatId): Promise<StopOutcome> {
    const name = await this.activeName(chatId);
    if (name === undefined) return { ok: false, reason: 'no_active_session' };
    this.processes.useRunning(chatId, name);
    return { ok: true, session: name, ...(await this.stopSession(name)) };
  }

  /** Interrupts the session's turn and drops its waiting messages (the Stop button). */
  async stopSession(name: string): Promise<{ interrupted: boolean; dropped: number }> {
    return (await this.processes.running(name)?.stop()) ?? { interrupted: false, dropped: 0 };
  }

  /** Drops the messages a usage limit holds for `name`: how many, or undefined when none was on. */
  dropHeld(name: string): number | undefined {
    return this.processes.running(name)?.dropHeld();
  }

  /** The slash commands of the active session's process (empty when it has none running). */
  async claudeCommands(chatId: ChatId): Promise<ClaudeCommand[]> {
    const name = await this.activeName(chatId);
    const process = name === undefined ? undefined : this.processes.running(name);
    return (await process?.supportedCommands()) ?? [];
  }

  /** `Start fresh`: the session's conversation could not be resumed, and the owner chose a new one. */
  startFresh(chatId: ChatId, name: string): StartFreshOutcome {
    const process = this.processes.useRunning(chatId, name);
    if (!process?.startFresh()) return { ok: false, reason: 'nothing_to_start_fresh', name };
    return { ok: true, name };
  }

  /**
   * The idle timeout of the chat's active session: set to `minutes` (0 never), or only read
   * without. Stored in its metadata.json as `idle_timeout_minutes`.
   */
  async idleTimeout(chatId: ChatId, minutes?: number): Promise<IdleTimeoutOutcome> {
    const name = await this.activeName(chatId);
    const session = name === undefined ? undefined : await this.deps.sessions.get(name);
    if (name === undefined || !session) return { ok: false, reason: 'no_active_session' };
    return this.lifecycle.idleTimeout(name, session, minutes);
  }

  /**
   * Keeps the session's process from being suspended for idleness (a permission prompt is open)
   * until the returned release is called. Safe to release twice, and for a session with no process.
   */
  holdAwake(name: string): () => void {
    return this.lifecycle.timers.hold(name);
  }

  /** Every session with its state, most recently active first, and what the live processes weigh. */
  overview(): Promise<SessionsOverview> {
    const { sessions } = this.deps;
    return sessionsOverview({ sessions, processes: this.processes, timers: this.lifecycle.timers });
  }

  /** After a restart of the bot: no session stays `active` without a process. */
  afterRestart(): Promise<void> {
    return this.lifecycle.afterRestart();
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

  /** The session's running process, if it has one. */
  running(name: string): LiveProcess | undefined {
    return this.processes.running(name);
  }

  /** The model the session's running process reported, if it runs. */
  reportedModel(name: string): string | undefined {
    return this.processes.reportedModel(name);
  }

  liveSessions(): string[] {
    return this.processes.names();
  }

  /** Ends the session's process (and its tool children) and waits until it has exited. */
  stop(name: string): Promise<void> {
    return this.processes.stop(name);
  }

  /** Ends the session's process and starts a new one for `chatId`, which reads its settings afresh. */
  async restart(chatId: ChatId, name: string): Promise<void> {
    await this.processes.stop(name);
    const session = await this.deps.sessions.get(name);
    if (session) await this.processes.use(chatId, session);
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
    await this.lifecycle.clearFailure(switched.session);
    await this.processes.use(chatId, switched.session);
    return undefined;
  }
}
