import type { PermissionMode } from '@anthropic-ai/claude-agent-sdk';
import type { Logger } from '../logging.ts';
import { Conversation } from './conversation.ts';
import type { ClaudeEvent, ClaudeEventListener, MessageOrigin } from './events.ts';
import type { ClaudeSessionOptions } from './options.ts';
import { uptimeTicks } from './proc-scan.ts';
import { ProcessSlot } from './process-slot.ts';
import { TurnQueue, type UserContent } from './queue.ts';
import type { ClaudeCommand, ClaudeRunner } from './runner.ts';
import { isUntoldError, type StopResult, TurnControl } from './turn-control.ts';
import { systemHoldTimers } from './usage-limit.ts';

export type { ClaudeSessionOptions } from './options.ts';
export type { UserContent } from './queue.ts';
export type { ClaudeCommand } from './runner.ts';
export type { StopResult } from './turn-control.ts';

/** `held`: Claude Code has no transcript to resume; messages wait for `startFresh()`. */
export type ClaudeSessionState = 'starting' | 'idle' | 'busy' | 'held' | 'closed';

/**
 * One long-lived Claude Code process for one bridge session, in streaming-input mode.
 * The process is spawned at construction so the cold start is over by the first message.
 * Messages wait in the session's own queue and go to Claude one at a time, each after the
 * previous turn's result, so every answer belongs to exactly one message. Keeping one process
 * running (and replacing it after a crash) is ProcessSlot's; stopping, sending next and the holds
 * (a usage limit, a missing transcript) are TurnControl's.
 *
 * @example
 * const session = createClaudeSession({ cwd, env: process.env, logger });
 * session.on((event) => { if (event.type === 'completed') console.log(event.answer); });
 * session.send('What is in this directory?');
 */
export class ClaudeSession {
  private readonly listeners = new Set<ClaudeEventListener>();
  private readonly queue = new TurnQueue();
  private readonly slot: ProcessSlot;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly conversation: Conversation;
  /** The model, as changed by setModel; a replacement process starts with it. */
  private model: string | undefined;
  private readonly log: Logger;
  private readonly control: TurnControl;

  constructor(private options: ClaudeSessionOptions) {
    this.log = options.logger.child({ component: 'claude', cwd: options.cwd });
    this.conversation = new Conversation(options.resume, options.costBaselineUsd);
    this.slot = new ProcessSlot({
      options: () => ({ ...this.options, model: this.model }),
      conversation: this.conversation,
      queue: this.queue,
      crashPolicy: options.crashPolicy,
      log: this.log,
      onEvent: (runner, event) => this.handle(runner, event),
      onConversationMissing: (resume) => this.control.holdForFreshStart(resume),
      onError: (error, origin) => this.emit({ type: 'error', ...error }, origin),
      onRelaunched: () => this.pump(),
    });
    this.control = new TurnControl({
      queue: this.queue,
      timers: options.holdTimers ?? systemHoldTimers,
      log: this.log,
      session: {
        runner: () => this.slot.runner,
        closed: () => this.closed,
        sessionId: () => this.conversation.id,
        ensureProcess: () => this.slot.ensure(),
        pump: () => this.pump(),
        forgetConversation: () => this.conversation.forget(),
        emit: (event, origin) => this.emit(event, origin),
      },
    });
    this.model = options.model;
    this.slot.ensure();
  }

  get state(): ClaudeSessionState {
    if (this.closed) return 'closed';
    if (this.control.waitingForFreshStart) return 'held';
    if (this.queue.busy) return 'busy';
    return this.slot.runner?.ready ? 'idle' : 'starting';
  }

  /** Messages waiting behind the one being answered. */
  get queueLength(): number {
    return this.queue.length;
  }

  /** The senders of the message being answered (first) and of those waiting, in order. */
  get origins(): Array<MessageOrigin | undefined> {
    return this.queue.origins;
  }

  /** The callers' refs (see `send`) of the message being answered, and of every message queued. */
  get refs(): { turn: readonly number[]; queued: readonly number[] } {
    return { turn: this.queue.turnRefs, queued: this.queue.queuedRefs };
  }

  get pid(): number | undefined {
    return this.slot.runner?.pid;
  }

  /** Claude's session id, once the process reported it (persist it as `claude_session_id`). */
  get sessionId(): string | undefined {
    return this.conversation.id;
  }

  /** Subscribes to events; returns the unsubscribe function. */
  on(listener: ClaudeEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Queues a message; it is answered after everything sent before it. Never blocks. The events of
   * its turn carry `origin`, so a session used from two chats answers each in its own. `refs`:
   * the caller's ids for it, readable in `refs` while it is queued (coalesced text keeps both's).
   */
  send(
    content: UserContent,
    origin?: MessageOrigin,
    options: { coalesce?: boolean; refs?: readonly number[] } = {},
  ): void {
    if (this.closed) throw new Error('ClaudeSession: send after close');
    this.queue.add(content, origin, options.coalesce, options.refs);
    if (this.control.waitingForFreshStart) {
      this.control.tellWaitingForFreshStart(origin);
      return;
    }
    this.slot.ensure();
    this.pump();
  }

  /**
   * After `conversation_not_found`: starts a new Claude conversation and answers the held
   * messages. False when there was nothing to decide (the session is not held).
   */
  startFresh(): boolean {
    return this.control.startFresh();
  }

  /**
   * Switches the model from the next request on (undefined: Claude Code's default). A process
   * started later (after a crash) starts with it too.
   */
  async setModel(model: string | undefined): Promise<void> {
    this.model = model;
    const runner = this.slot.runner;
    if (runner && !runner.closing) await runner.query.setModel(model);
  }

  /** Stops the current turn; queued messages carry on afterwards. */
  async interrupt(): Promise<void> {
    await this.control.interrupt();
  }

  /**
   * Interrupts the turn being answered (the process lives on), drops the messages waiting (held
   * ones too) and ends the tool processes the turn left running.
   */
  stop(): Promise<StopResult> {
    return this.control.stop();
  }

  /** Interrupts the turn being answered and makes `content` the next turn, ahead of those waiting. */
  async sendNext(
    content: UserContent,
    origin?: MessageOrigin,
    options: { refs?: readonly number[] } = {},
  ): Promise<void> {
    if (this.closed) throw new Error('ClaudeSession: send after close');
    await this.control.sendNext(content, origin, options.refs);
  }

  /** While a usage limit holds the queue: when it lifts (epoch ms). */
  get heldUntil(): number | undefined {
    return this.control.heldUntil;
  }

  /** Ends a usage-limit hold and drops what it held; undefined when nothing was held. */
  dropHeld(): number | undefined {
    return this.control.dropHeld();
  }

  /** The slash commands the process knows (built in, and the project's `.claude/commands/`). */
  async supportedCommands(): Promise<ClaudeCommand[]> {
    return (await this.slot.runner?.commands()) ?? [];
  }

  /**
   * Switches the permission mode of the running process at once, and of any process that replaces
   * it. `bypassPermissions` only works on a process started in it.
   */
  async setPermissionMode(mode: PermissionMode): Promise<void> {
    this.rememberPermissionMode(mode);
    const runner = this.slot.runner;
    if (runner && !runner.closing) await runner.query.setPermissionMode(mode);
  }

  /**
   * The mode Claude Code switched the running process to itself (an approved plan): a process
   * started after a crash starts in it too, not in the one this session was created with.
   */
  rememberPermissionMode(mode: PermissionMode): void {
    this.options = { ...this.options, permissionMode: mode };
  }

  /** Ends the process and every process it started; resolves when they are all gone. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    this.control.cancel();
    this.queue.clear();
    await this.slot.close();
    this.listeners.clear();
  }

  /** Feeds the next queued message once the previous turn has its result. */
  private pump(): void {
    const runner = this.slot.runner;
    if (!runner || runner.closing || this.control.usageHeld) return;
    const next = this.queue.startNext();
    if (next === undefined) return;
    runner.turnStartTicks = uptimeTicks();
    runner.send(next.content);
  }

  private handle(runner: ClaudeRunner, event: ClaudeEvent): void {
    const origin = this.queue.turnOrigin;
    if (event.type === 'tool' && event.phase === 'started') this.queue.toolAsked();
    if (event.type === 'started' && !this.conversation.started(event.sessionId)) return;
    if (isUntoldError(runner, event)) return;
    if (event.type === 'completed') {
      event = this.conversation.completed(event, runner.interrupting);
      runner.interrupting = false;
      if (runner.usageLimit) this.control.holdForUsageLimit(runner, origin);
      else this.queue.finishTurn();
    }
    this.emit(event, origin);
    if (event.type === 'completed') this.pump();
  }

  private emit(event: ClaudeEvent, origin: MessageOrigin | undefined): void {
    for (const listener of this.listeners) {
      try {
        listener(event, origin);
      } catch (error) {
        this.log.error({ err: error, event: event.type }, 'claude event listener failed');
      }
    }
  }
}

/** The factory the composition root injects. */
export type ClaudeSessionFactory = (options: ClaudeSessionOptions) => ClaudeSession;

export const createClaudeSession: ClaudeSessionFactory = (options) => new ClaudeSession(options);
