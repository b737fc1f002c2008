import type { Logger } from '../logging.ts';
import type { Conversation } from './conversation.ts';
import type { ClaudeError, ClaudeEvent, MessageOrigin } from './events.ts';
import type { ClaudeSessionOptions } from './options.ts';
import type { QueuedMessage, TurnQueue } from './queue.ts';
import { ClaudeRunner } from './runner.ts';
import { type CrashPolicy, CrashSupervisor, deathOf } from './supervisor.ts';

export interface ProcessSlotDeps {
  /** The options of the next process to start, with the settings changed since included. */
  options(): ClaudeSessionOptions;
  conversation: Conversation;
  queue: TurnQueue;
  crashPolicy?: CrashPolicy;
  log: Logger;
  /** Each event the running process says. */
  onEvent(runner: ClaudeRunner, event: ClaudeEvent): void;
  /** Claude Code has no transcript of the conversation to resume: nothing is started again. */
  onConversationMissing(resume: string | undefined): void;
  /** A crash notice, for the chat of the message it concerns. */
  onError(error: ClaudeError, origin: MessageOrigin | undefined): void;
  /** A replacement process started after a crash: it can take the next message. */
  onRelaunched(): void;
}

/**
 * The one Claude Code process a session has at a time: started, read until its stream ends, and
 * after a crash replaced by one resuming the same conversation (when, and how often, is
 * CrashSupervisor's), with the message the dead one lost answered first.
 */
export class ProcessSlot {
  private current: ClaudeRunner | undefined;
  private closed = false;
  private readonly supervisor: CrashSupervisor;

  constructor(private readonly deps: ProcessSlotDeps) {
    this.supervisor = new CrashSupervisor(deps.crashPolicy);
  }

  /** The process, while one runs (a dead one stays here, `closing`, until it has been ended). */
  get runner(): ClaudeRunner | undefined {
    return this.current;
  }

  /** Starts a process if none runs. */
  ensure(): void {
    if (!this.current) this.launch();
  }

  /** Ends the process and every process it started; none is started again. */
  async close(): Promise<void> {
    this.closed = true;
    this.supervisor.cancel();
    const runner = this.current;
    this.current = undefined;
    if (!runner) return;
    const ended = runner.end();
    runner.query.close();
    await ended;
  }

  private launch(): void {
    const { conversation, log } = this.deps;
    conversation.launching();
    const runner = new ClaudeRunner(this.deps.options(), conversation.id, log);
    this.current = runner;
    this.consume(runner).catch((error: unknown) =>
      log.error({ err: error }, 'claude session supervision failed'),
    );
  }

  private async consume(runner: ClaudeRunner): Promise<void> {
    const failure = await runner.readEvents((event) => this.deps.onEvent(runner, event));
    if (runner.closing || this.closed) return;
    await this.replaceDeadProcess(runner, failure);
  }

  private async replaceDeadProcess(runner: ClaudeRunner, failure: unknown): Promise<void> {
    // Messages sent meanwhile wait in the queue (pump skips a closing runner) for the new process.
    // The stream can also end with the process still up (an SDK failure): end it for good first.
    // Tools it started may still run as well; they belong to the dead process.
    const exit = await runner.end();
    if (this.closed) return;
    this.current = undefined;
    if (runner.conversationMissing) {
      this.deps.onConversationMissing(runner.resume);
      return;
    }
    this.deps.log.warn({ err: failure, exit }, 'claude process died');
    const { notices, restart } = this.supervisor.afterDeath(deathOf(exit, failure), this.deps.queue);
    for (const { error, origin } of notices) this.deps.onError(error, origin);
    if (restart) this.relaunch(restart.resend, restart.delayMs);
  }

  /** A new process, with the message the previous one lost answered first. A `send` meanwhile starts it at once. */
  private relaunch(lost: QueuedMessage | undefined, delayMs = 0): void {
    if (lost !== undefined) this.deps.queue.putFirst(lost);
    this.supervisor.schedule(() => {
      if (this.closed || this.current) return;
      this.launch();
      this.deps.onRelaunched();
    }, delayMs);
  }
}
