import { type Query, type SDKUserMessage, query as sdkQuery } from '@anthropic-ai/claude-agent-sdk';
import type { Logger } from '../logging.ts';
import { MessageChannel } from './channel.ts';
import { type ClaudeSessionOptions, sdkOptionsFor } from './options.ts';
import type { UserContent } from './queue.ts';
import type { ClaudeProcessExit, ClaudeProcessHandle } from './spawn.ts';

/**
 * One Claude Code process in streaming-input mode: the SDK query that talks to it, the prompt
 * stream it reads, and the process the SDK had the bridge spawn for it (filled in right after
 * `query()`). A session has at most one at a time and replaces it when it dies.
 */
export class ClaudeRunner {
  readonly query: Query;
  /** The Claude session id this process was asked to continue. */
  readonly resume: string | undefined;
  /** Claude Code said it has no transcript of `resume`. */
  conversationMissing = false;
  /** Claude Code finished starting up. */
  ready = false;
  /** Being ended, by close or after a death: what it still says is not passed on. */
  closing = false;
  /** The owner interrupted the current turn. */
  interrupting = false;
  private readonly input = new MessageChannel<SDKUserMessage>();
  private handle: ClaudeProcessHandle | undefined;

  constructor(
    private readonly options: ClaudeSessionOptions,
    resume: string | undefined,
    log: Logger,
  ) {
    this.resume = resume;
    const sdkOptions = sdkOptionsFor(options, resume, log, (handle) => {
      this.handle = handle;
    });
    this.query = (options.query ?? sdkQuery)({ prompt: this.input, options: sdkOptions });
    this.query.initializationResult().then(
      () => {
        this.ready = true;
      },
      (error: unknown) => log.debug({ err: error }, 'claude initialization did not finish'),
    );
  }

  get pid(): number | undefined {
    return this.handle?.pid;
  }

  /** Gives Claude the next message to answer. */
  send(content: UserContent): void {
    this.input.push({ type: 'user', message: { role: 'user', content }, parent_tool_use_id: null });
  }

  /**
   * Ends the prompt stream (the SDK waits on it for as long as it is open, dead process or not),
   * then the process and every process it started. Resolves with how the process exited.
   */
  async end(): Promise<ClaudeProcessExit | undefined> {
    this.closing = true;
    this.input.end();
    await this.handle?.terminate(this.options.killGraceMs);
    return this.handle?.exited;
  }
}
