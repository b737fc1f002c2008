import type { PermissionMode } from '@anthropic-ai/claude-agent-sdk';
import type { Logger } from '../logging.ts';
import type { ClaudeError, ClaudeEvent, ClaudeEventListener, MessageOrigin } from './events.ts';
import type { ClaudeSessionOptions } from './options.ts';
import { uptimeTicks } from './proc-scan.ts';
import { type QueuedMessage, TurnQueue, type UserContent } from './queue.ts';
import { type ClaudeCommand, ClaudeRunner } from './runner.ts';
import { CrashSupervisor, deathOf } from './supervisor.ts';
import { ClaudeTranslator, missingConversationOf } from './translate.ts';
import { TurnCostMeter } from './turn-cost.ts';
import { holdQueue, systemHoldTimers, UsageHold, usageLimitOf } from './usage-limit.ts';

export type { ClaudeSessionOptions } from './options.ts';
export type { UserContent } from './queue.ts';
export type { ClaudeCommand } from './runner.ts';

/** `held`: Claude Code has no transcript to resume; messages wait for `startFresh()`. */
export type ClaudeSessionState = 'starting' | 'idle' | 'busy' | 'held' | 'closed';

/** What a stop did: interrupted the turn being answered, dropped `dropped` waiting messages. */
export interface StopResult {
  interrupted: boolean;
  dropped: number;
}

/** The errors an interrupted turn ends in: what the owner asked for, not a failure. */
const INTERRUPTED_TURN_ERRORS: ReadonlySet<ClaudeError['kind']> = new Set([
  'turn_failed',
  'execution_failed',
]);

/**
 * One long-lived Claude Code process for one bridge session, in streaming-input mode.
 * The process is spawned at construction so the cold start is over by the first message.
 * Messages wait in the session's own queue and go to Claude one at a time, each after the
 * previous turn's result, so every answer belongs to exactly one message. A process that dies
 * is replaced by one resuming the same Claude session (see CrashSupervisor); if Claude Code has
 * no transcript of that session, nothing more is started and messages are held until the owner
 * chooses `startFresh()`: a conversation is never replaced without them knowing.
 *
 * @example
 * const session = createClaudeSession({ cwd, env: process.env, logger });
 * session.on((event) => { if (event.type === 'completed') console.log(event.answer); });
 * session.send('What is in this directory?');
 */
export class ClaudeSession {
  private readonly listeners = new Set<ClaudeEventListener>();
  private readonly queue = new TurnQueue();
  private readonly supervisor: CrashSupervisor;
  private runner: ClaudeRunner | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  private currentSessionId: string | undefined;
  /** The transcript to resume is missing: messages wait for startFresh(). */
  private held = false;
  /** The model, as changed by setModel; a replacement process starts with it. */
  private model: string | undefined;
  private readonly log: Logger;
  private readonly costs: TurnCostMeter;
  private readonly hold: UsageHold;

  constructor(private options: ClaudeSessionOptions) {
    this.log = options.logger.child({ component: 'claude', cwd: options.cwd });
    this.supervisor = new CrashSupervisor(options.crashPolicy);
    this.currentSessionId = options.resume;
    this.costs = new TurnCostMeter(options.resume ? options.costBaselineUsd : 0);
    this.hold = new UsageHold(options.holdTimers ?? systemHoldTimers, () => this.holdLifted());
    this.model = options.model;
    this.launch();
  }

  get state(): ClaudeSessionState {
    if (this.closed) return 'closed';
    if (this.held) return 'held';
    if (this.queue.busy) return 'busy';
    return this.runner?.ready ? 'idle' : 'starting';
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
    return this.runner?.pid;
  }

  /** Claude's session id, once the process reported it (persist it as `claude_session_id`). */
  get sessionId(): string | undefined {
    return this.currentSessionId;
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
    if (this.held) {
      this.emit({ type: 'error', ...this.missingConversation() }, origin);
      return;
    }
    if (!this.runner) this.launch();
    this.pump();
  }

  /**
   * After `conversation_not_found`: starts a new Claude conversation and answers the held
   * messages. False when there was nothing to decide (the session is not held).
   */
  startFresh(): boolean {
    if (this.closed || !this.held) return false;
    this.held = false;
    this.currentSessionId = undefined;
    this.log.info('starting a fresh conversation, as the owner chose');
    if (!this.runner) this.launch();
    this.pump();
    return true;
  }

  /**
   * Switches the model from the next request on (undefined: Claude Code's default). A process
   * started later (after a crash) starts with it too.
   */
  async setModel(model: string | undefined): Promise<void> {
    this.model = model;
    const runner = this.runner;
    if (runner && !runner.closing) await runner.query.setModel(model);
  }

  /** Stops the current turn; queued messages carry on afterwards. */
  async interrupt(): Promise<void> {
    await this.interruptTurn();
  }

  /**
   * Interrupts the turn being answered (the process lives on), drops the messages waiting (held
   * ones too) and ends the tool processes the turn left running.
   */
  async stop(): Promise<StopResult> {
    this.hold.cancel();
    const dropped = this.queue.dropWaiting().length;
    return { interrupted: await this.interruptTurn(), dropped };
  }

  /** Interrupts the turn being answered and makes `content` the next turn, ahead of those waiting. */
  async sendNext(
    content: UserContent,
    origin?: MessageOrigin,
    options: { refs?: readonly number[] } = {},
  ): Promise<void> {
    if (this.closed) throw new Error('ClaudeSession: send after close');
    this.queue.putFirst({ content, origin, ...(options.refs ? { refs: options.refs } : {}) });
    if (!this.runner) this.launch();
    if (!(await this.interruptTurn())) this.pump();
  }

  /** While a usage limit holds the queue: when it lifts (epoch ms). */
  get heldUntil(): number | undefined {
    return this.hold.until;
  }

  /** Ends a usage-limit hold and drops what it held; undefined when nothing was held. */
  dropHeld(): number | undefined {
    if (!this.hold.active) return undefined;
    this.hold.cancel();
    return this.queue.dropWaiting().length;
  }

  /** The slash commands the process knows (built in, and the project's `.claude/commands/`). */
  async supportedCommands(): Promise<ClaudeCommand[]> {
    return (await this.runner?.commands()) ?? [];
  }

  private async interruptTurn(): Promise<boolean> {
    const runner = this.runner;
    if (!runner || runner.closing || !this.queue.busy) return false;
    await runner.interrupt();
    return true;
  }

  /**
   * Switches the permission mode of the running process at once, and of any process that replaces
   * it. `bypassPermissions` only works on a process started in it.
   */
  async setPermissionMode(mode: PermissionMode): Promise<void> {
    this.options = { ...this.options, permissionMode: mode };
    const runner = this.runner;
    if (runner && !runner.closing) await runner.query.setPermissionMode(mode);
  }

  /** Ends the process and every process it started; resolves when they are all gone. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    this.supervisor.cancel();
    this.hold.cancel();
    this.queue.clear();
    const runner = this.runner;
    this.runner = undefined;
    if (!runner) return;
    const ended = runner.end();
    runner.query.close();
    await ended;
    this.listeners.clear();
  }

  private launch(): void {
    if (this.currentSessionId === undefined) this.costs.freshConversation();
    const runner = new ClaudeRunner({ ...this.options, model: this.model }, this.currentSessionId, this.log);
    this.runner = runner;
    this.consume(runner, new ClaudeTranslator()).catch((error: unknown) =>
      this.log.error({ err: error }, 'claude session supervision failed'),
    );
  }

  /** Feeds the next queued message once the previous turn has its result. */
  private pump(): void {
    const runner = this.runner;
    if (!runner || runner.closing || this.hold.active) return;
    const next = this.queue.startNext();
    if (next === undefined) return;
    runner.turnStartTicks = uptimeTicks();
    runner.send(next.content);
  }

  private async consume(runner: ClaudeRunner, translator: ClaudeTranslator): Promise<void> {
    let failure: unknown;
    try {
      for await (const message of runner.query) {
        if (runner.closing) break;
        // Not the owner's turn failing: the process cannot start. Its error result is not passed on.
        if (runner.resume !== undefined && missingConversationOf(message) !== undefined) {
          runner.conversationMissing = true;
          break;
        }
        const limit = usageLimitOf(message);
        if (limit) runner.usageLimit = { resetsAt: limit.resetsAt ?? runner.usageLimit?.resetsAt };
        for (const event of translator.translate(message)) this.handle(runner, event);
      }
    } catch (error) {
      failure = error;
    }
    if (runner.closing || this.closed) return;
    await this.replaceDeadProcess(runner, failure);
  }

  private handle(runner: ClaudeRunner, event: ClaudeEvent): void {
    const origin = this.queue.turnOrigin;
    if (event.type === 'tool' && event.phase === 'started') this.queue.toolAsked();
    if (event.type === 'started') {
      if (event.sessionId === this.currentSessionId) return;
      this.currentSessionId = event.sessionId;
    }
    if (runner.interrupting && event.type === 'error' && INTERRUPTED_TURN_ERRORS.has(event.kind)) return;
    // The usage limit is told once, as such, when the turn ends.
    if (runner.usageLimit && event.type === 'error') return;
    if (event.type === 'completed') {
      const interrupted = runner.interrupting;
      runner.interrupting = false;
      event = {
        ...event,
        turnCostUsd: this.costs.turnCost(event.totalCostUsd),
        ...(interrupted ? { interrupted } : {}),
      };
      if (runner.usageLimit) this.holdForUsageLimit(runner, origin);
      else this.queue.finishTurn();
      // A turn that failed before the model was asked anything proves nothing: not that the
      // process works, nor that its session id (never announced by `started`) has a transcript.
      if (!event.isError || event.numTurns > 0) this.currentSessionId = event.sessionId;
    }
    this.emit(event, origin);
    if (event.type === 'completed') this.pump();
  }

  /** The turn hit the usage limit: its message waits (unless its tools may have run) with the rest. */
  private holdForUsageLimit(runner: ClaudeRunner, origin: MessageOrigin | undefined): void {
    const resetsAt = runner.usageLimit?.resetsAt;
    runner.usageLimit = undefined;
    const held = holdQueue(this.queue, this.hold, resetsAt);
    this.log.warn(
      { resetsAt: new Date(held.resetsAt).toISOString(), held: held.held },
      'usage limit reached',
    );
    this.emit(held, origin);
  }

  private holdLifted(): void {
    if (this.closed) return;
    const sending = this.queue.length;
    if (sending > 0) this.emit({ type: 'usage_limit_lifted', sending }, this.queue.origins[0]);
    if (!this.runner) this.launch();
    this.pump();
  }

  private async replaceDeadProcess(runner: ClaudeRunner, failure: unknown): Promise<void> {
    // Messages sent meanwhile wait in the queue (pump skips a closing runner) for the new process.
    // The stream can also end with the process still up (an SDK failure): end it for good first.
    // Tools it started may still run as well; they belong to the dead process.
    const exit = await runner.end();
    if (this.closed) return;
    this.runner = undefined;
    if (runner.conversationMissing) {
      this.holdForFreshStart(runner.resume);
      return;
    }
    this.log.warn({ err: failure, exit }, 'claude process died');
    const { notices, restart } = this.supervisor.afterDeath(deathOf(exit, failure), this.queue);
    for (const { error, origin } of notices) this.emit({ type: 'error', ...error }, origin);
    if (restart) this.relaunch(restart.resend, restart.delayMs);
  }

  /** Nothing is started again until the owner decides: `startFresh()`, or another session. */
  private holdForFreshStart(missing: string | undefined): void {
    this.log.warn({ resume: missing }, 'claude has no transcript of the session to resume; holding messages');
    const lost = this.queue.takeInFlight();
    if (lost !== undefined) this.queue.putFirst(lost);
    this.held = true;
    this.emit({ type: 'error', ...this.missingConversation() }, lost?.origin ?? this.queue.origins[0]);
  }

  private missingConversation(): ClaudeError {
    return {
      kind: 'conversation_not_found',
      missingSessionId: this.currentSessionId ?? '',
      held: this.queue.length,
    };
  }

  /** A new process, with the message the previous one lost answered first. A `send` meanwhile starts it at once. */
  private relaunch(lost: QueuedMessage | undefined, delayMs = 0): void {
    if (lost !== undefined) this.queue.putFirst(lost);
    this.supervisor.schedule(() => {
      if (this.closed || this.runner) return;
      this.launch();
      this.pump();
    }, delayMs);
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
