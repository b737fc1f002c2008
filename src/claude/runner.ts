import { type Query, type SDKUserMessage, query as sdkQuery } from '@anthropic-ai/claude-agent-sdk';
import type { Logger } from '../logging.ts';
import { MessageChannel } from './channel.ts';
import type { ClaudeEvent } from './events.ts';
import { endInterruptedTools } from './interrupt.ts';
import { type ClaudeSessionOptions, sdkOptionsFor } from './options.ts';
import type { UserContent } from './queue.ts';
import type { ClaudeProcessExit, ClaudeProcessHandle } from './spawn.ts';
import { ClaudeTranslator, missingConversationOf } from './translate.ts';
import { usageLimitOf } from './usage-limit.ts';

/** A slash command the process knows; `builtin`: Claude Code's own, not the project's or a plugin's. */
export interface ClaudeCommand {
  name: string;
  description: string;
  builtin: boolean;
  /** Other names it answers to (`/cost` is one of `/usage`'s). */
  aliases: string[];
}

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
  /** The account's usage limit stopped the current turn (`resetsAt`: epoch ms, when known). */
  usageLimit: { resetsAt: number | undefined } | undefined;
  /** When the current turn began, in clock ticks since boot (see proc-scan.ts). */
  turnStartTicks = 0;
  private readonly input = new MessageChannel<SDKUserMessage>();
  private handle: ClaudeProcessHandle | undefined;

  constructor(
    private readonly options: ClaudeSessionOptions,
    resume: string | undefined,
    private readonly log: Logger,
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

  /** The marker in the environment of the process and of everything it starts. */
  get marker(): string | undefined {
    return this.handle?.marker;
  }

  /**
   * Reads what the process says, as events, until its stream ends (it died, or is being ended).
   * Resolves with what broke the stream, if anything did.
   */
  async readEvents(onEvent: (event: ClaudeEvent) => void): Promise<unknown> {
    const translator = new ClaudeTranslator();
    try {
      for await (const message of this.query) {
        if (this.closing) break;
        // Not the owner's turn failing: the process cannot start. Its error result is not passed on.
        if (this.resume !== undefined && missingConversationOf(message) !== undefined) {
          this.conversationMissing = true;
          break;
        }
        const limit = usageLimitOf(message);
        if (limit) this.usageLimit = { resetsAt: limit.resetsAt ?? this.usageLimit?.resetsAt };
        for (const event of translator.translate(message)) onEvent(event);
      }
    } catch (error) {
      return error;
    }
    return undefined;
  }

  /** Gives Claude the next message to answer. */
  send(content: UserContent): void {
    this.input.push({ type: 'user', message: { role: 'user', content }, parent_tool_use_id: null });
  }

  /** Interrupts the current turn (the process lives on), then ends the tool processes it left running. */
  async interrupt(): Promise<void> {
    this.interrupting = true;
    const { marker, pid, turnStartTicks } = this;
    await this.query.interrupt();
    if (marker === undefined) return;
    const signalled = await endInterruptedTools({ marker, claudePid: pid, sinceTicks: turnStartTicks });
    if (signalled.length > 0)
      this.log.info({ pids: signalled }, 'ended tool processes of the interrupted turn');
  }

  /** The slash commands the process knows (built in, and the project's `.claude/commands/`). */
  async commands(): Promise<ClaudeCommand[]> {
    const commands = await this.query.supportedCommands();
    return commands.map(({ name, description, builtin, aliases }) => ({
      name,
      description,
      builtin: builtin === true,
      aliases: aliases ?? [],
    }));
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
