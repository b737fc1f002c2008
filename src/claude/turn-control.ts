import type { Logger } from '../logging.ts';
import type { ClaudeError, ClaudeEvent, MessageOrigin } from './events.ts';
import type { TurnQueue, UserContent } from './queue.ts';
import type { ClaudeRunner } from './runner.ts';
import { type HoldTimers, holdQueue, UsageHold } from './usage-limit.ts';

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
 * An error the owner is not told of: how a turn they interrupted ends, or one of a turn that hit
 * the usage limit (that is told once, as such, when the turn ends).
 */
export function isUntoldError(runner: ClaudeRunner, event: ClaudeEvent): boolean {
  if (event.type !== 'error') return false;
  return (runner.interrupting && INTERRUPTED_TURN_ERRORS.has(event.kind)) || runner.usageLimit !== undefined;
}

/** What TurnControl needs of the session whose turns it controls. */
export interface ControlledSession {
  /** The process answering now, if one runs. */
  runner(): ClaudeRunner | undefined;
  closed(): boolean;
  /** The Claude session id last reported: the conversation a missing transcript belonged to. */
  sessionId(): string | undefined;
  /** Starts a process if none runs. */
  ensureProcess(): void;
  /** Feeds the next queued message, if the process may take one. */
  pump(): void;
  /** The next process starts a new conversation. */
  forgetConversation(): void;
  emit(event: ClaudeEvent, origin: MessageOrigin | undefined): void;
}

export interface TurnControlDeps {
  queue: TurnQueue;
  session: ControlledSession;
  timers: HoldTimers;
  log: Logger;
}

/**
 * The owner's say over a session's turns: interrupting the turn being answered, stopping (and
 * dropping what waits), sending a message next; and the two holds that keep messages waiting:
 * a usage limit (until it lifts or the owner drops them) and a missing transcript (until the
 * owner chooses `startFresh()`: a conversation is never replaced without them knowing).
 */
export class TurnControl {
  private readonly hold: UsageHold;
  /** The transcript to resume is missing: messages wait for startFresh(). */
  private conversationMissing = false;

  constructor(private readonly deps: TurnControlDeps) {
    this.hold = new UsageHold(deps.timers, () => this.holdLifted());
  }

  /** Messages wait for the owner to start a fresh conversation. */
  get waitingForFreshStart(): boolean {
    return this.conversationMissing;
  }

  /** A usage limit holds the queue: nothing goes to Claude. */
  get usageHeld(): boolean {
    return this.hold.active;
  }

  /** While a usage limit holds the queue: when it lifts (epoch ms). */
  get heldUntil(): number | undefined {
    return this.hold.until;
  }

  /** Interrupts the turn being answered (the process lives on); false when none was. */
  async interrupt(): Promise<boolean> {
    const runner = this.deps.session.runner();
    if (!runner || runner.closing || !this.deps.queue.busy) return false;
    await runner.interrupt();
    return true;
  }

  /**
   * Interrupts the turn being answered (the process lives on), drops the messages waiting (held
   * ones too) and ends the tool processes the turn left running.
   */
  async stop(): Promise<StopResult> {
    this.hold.cancel();
    const dropped = this.deps.queue.dropWaiting().length;
    return { interrupted: await this.interrupt(), dropped };
  }

  /** Interrupts the turn being answered and makes `content` the next turn, ahead of those waiting. */
  async sendNext(content: UserContent, origin?: MessageOrigin, refs?: readonly number[]): Promise<void> {
    this.deps.queue.putFirst({ content, origin, ...(refs ? { refs } : {}) });
    this.deps.session.ensureProcess();
    if (!(await this.interrupt())) this.deps.session.pump();
  }

  /** Ends a usage-limit hold and drops what it held; undefined when nothing was held. */
  dropHeld(): number | undefined {
    if (!this.hold.active) return undefined;
    this.hold.cancel();
    return this.deps.queue.dropWaiting().length;
  }

  /** The turn hit the usage limit: its message waits (unless its tools may have run) with the rest. */
  holdForUsageLimit(runner: ClaudeRunner, origin: MessageOrigin | undefined): void {
    const resetsAt = runner.usageLimit?.resetsAt;
    runner.usageLimit = undefined;
    const held = holdQueue(this.deps.queue, this.hold, resetsAt);
    this.deps.log.warn(
      { resetsAt: new Date(held.resetsAt).toISOString(), held: held.held },
      'usage limit reached',
    );
    this.deps.session.emit(held, origin);
  }

  /** Nothing is started again until the owner decides: `startFresh()`, or another session. */
  holdForFreshStart(missing: string | undefined): void {
    const { queue, log, session } = this.deps;
    log.warn({ resume: missing }, 'claude has no transcript of the session to resume; holding messages');
    const lost = queue.takeInFlight();
    if (lost !== undefined) queue.putFirst(lost);
    this.conversationMissing = true;
    session.emit({ type: 'error', ...this.missingConversation() }, lost?.origin ?? queue.origins[0]);
  }

  /** A message arrived while the transcript is missing: it waits, and its sender is told why. */
  tellWaitingForFreshStart(origin: MessageOrigin | undefined): void {
    this.deps.session.emit({ type: 'error', ...this.missingConversation() }, origin);
  }

  /**
   * After `conversation_not_found`: starts a new Claude conversation and answers the held
   * messages. False when there was nothing to decide (the session is not held).
   */
  startFresh(): boolean {
    const { session, log } = this.deps;
    if (session.closed() || !this.conversationMissing) return false;
    this.conversationMissing = false;
    session.forgetConversation();
    log.info('starting a fresh conversation, as the owner chose');
    session.ensureProcess();
    session.pump();
    return true;
  }

  /** The session closes: no hold lifts any more. */
  cancel(): void {
    this.hold.cancel();
  }

  private holdLifted(): void {
    const { session, queue } = this.deps;
    if (session.closed()) return;
    const sending = queue.length;
    if (sending > 0) session.emit({ type: 'usage_limit_lifted', sending }, queue.origins[0]);
    session.ensureProcess();
    session.pump();
  }

  private missingConversation(): ClaudeError {
    return {
      kind: 'conversation_not_found',
      missingSessionId: this.deps.session.sessionId() ?? '',
      held: this.deps.queue.length,
    };
  }
}
