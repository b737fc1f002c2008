import type { Logger } from '../logging.ts';
import type { ClaudeError, ClaudeEvent, ClaudeEventListener, MessageOrigin } from './events.ts';
import type { ClaudeSessionOptions } from './options.ts';
import { type QueuedMessage, TurnQueue, type UserContent } from './queue.ts';
import { ClaudeRunner } from './runner.ts';
import { CrashSupervisor, deathOf } from './supervisor.ts';
import { ClaudeTranslator, missingConversationOf } from './translate.ts';

export type { ClaudeSessionOptions } from './options.ts';
export type { UserContent } from './queue.ts';

export type ClaudeSessionState = 'starting' | 'idle' | 'busy' | 'closed';

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
 * no transcript of that session, a fresh one is started instead.
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
  /** The model, as changed by setModel; a replacement process starts with it. */
  private model: string | undefined;
  private readonly log: Logger;

  constructor(private readonly options: ClaudeSessionOptions) {
    this.log = options.logger.child({ component: 'claude', cwd: options.cwd });
    this.supervisor = new CrashSupervisor(options.maxRestarts);
    this.currentSessionId = options.resume;
    this.model = options.model;
    this.launch();
  }

  get state(): ClaudeSessionState {
    if (this.closed) return 'closed';
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
   * its turn carry `origin`, so a session used from two chats answers each in its own.
   */
  send(content: UserContent, origin?: MessageOrigin, options: { coalesce?: boolean } = {}): void {
    if (this.closed) throw new Error('ClaudeSession: send after close');
    this.queue.add(content, origin, options.coalesce);
    if (!this.runner) this.launch();
    this.pump();
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
    const runner = this.runner;
    if (!runner || !this.queue.busy) return;
    runner.interrupting = true;
    await runner.query.interrupt();
  }

  /** Ends the process and every process it started; resolves when they are all gone. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    this.supervisor.cancel();
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
    const runner = new ClaudeRunner({ ...this.options, model: this.model }, this.currentSessionId, this.log);
    this.runner = runner;
    this.consume(runner, new ClaudeTranslator()).catch((error: unknown) =>
      this.log.error({ err: error }, 'claude session supervision failed'),
    );
  }

  /** Feeds the next queued message once the previous turn has its result. */
  private pump(): void {
    const runner = this.runner;
    if (!runner || runner.closing) return;
    const next = this.queue.startNext();
    if (next !== undefined) runner.send(next.content);
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
    if (event.type === 'completed') {
      this.queue.finishTurn();
      runner.interrupting = false;
      // A turn that failed before the model was asked anything proves nothing: not that the
      // process works, nor that its session id (never announced by `started`) has a transcript.
      if (!event.isError || event.numTurns > 0) {
        this.currentSessionId = event.sessionId;
        this.supervisor.progressed();
      }
    }
    this.emit(event, origin);
    if (event.type === 'completed') this.pump();
  }

  private async replaceDeadProcess(runner: ClaudeRunner, failure: unknown): Promise<void> {
    // Messages sent meanwhile wait in the queue (pump skips a closing runner) for the new process.
    // The stream can also end with the process still up (an SDK failure): end it for good first.
    // Tools it started may still run as well; they belong to the dead process.
    const exit = await runner.end();
    if (this.closed) return;
    this.runner = undefined;
    if (runner.conversationMissing) {
      this.startFreshConversation(runner.resume, this.queue.takeInFlight());
      return;
    }
    this.log.warn({ err: failure, exit }, 'claude process died');
    const { notices, restart } = this.supervisor.afterDeath(deathOf(exit, failure), this.queue);
    for (const { error, origin } of notices) this.emit({ type: 'error', ...error }, origin);
    if (restart) this.relaunch(restart.resend, restart.delayMs);
  }

  /** Dropping the resume id is what ends the loop: a process without one cannot miss it. */
  private startFreshConversation(missing: string | undefined, lost: QueuedMessage | undefined): void {
    this.log.warn(
      { resume: missing },
      'claude has no transcript of the session to resume; starting a fresh one',
    );
    this.currentSessionId = undefined;
    const error: ClaudeError = {
      kind: 'conversation_not_found',
      missingSessionId: missing ?? '',
      answering: lost !== undefined,
    };
    this.emit({ type: 'error', ...error }, lost?.origin);
    this.relaunch(lost);
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
