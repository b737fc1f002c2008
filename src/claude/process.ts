import {
  type Options,
  type PermissionMode,
  type Query,
  type SDKUserMessage,
  type SettingSource,
  query as sdkQuery,
} from '@anthropic-ai/claude-agent-sdk';
import type { Logger } from '../logging.ts';
import { MessageChannel } from './channel.ts';
import type { ClaudeEvent, ClaudeEventListener, MessageOrigin } from './events.ts';
import { type AskPermission, denyToolsNeedingApproval, toCanUseTool } from './permissions.ts';
import { type ClaudeProcessExit, type ClaudeProcessHandle, spawnClaudeCode } from './spawn.ts';
import { ClaudeTranslator, missingConversationOf } from './translate.ts';

/** What the owner sent: text, or content blocks (text and images). */
export type UserContent = SDKUserMessage['message']['content'];

/** A message waiting for, or getting, its answer. */
interface Queued {
  content: UserContent;
  origin: MessageOrigin | undefined;
  /** Claude asked for a tool while answering it: part of what it asked for may be done. */
  toolsAsked?: boolean;
}

export type ClaudeSessionState = 'starting' | 'idle' | 'busy' | 'closed';

export interface ClaudeSessionOptions {
  /** The session directory: Claude Code's working directory. */
  cwd: string;
  /** The FULL environment of the child (the SDK replaces, not merges). */
  env: Record<string, string | undefined>;
  logger: Logger;
  /** Asked for every tool that needs approval; the default refuses with a reason. */
  askPermission?: AskPermission;
  /** A Claude session id to continue (from metadata.json's `claude_session_id`). */
  resume?: string;
  /** Appended to Claude Code's own system prompt. */
  personaPrompt?: string;
  model?: string;
  maxTurns?: number;
  permissionMode?: PermissionMode;
  /** CLAUDE_PATH; default: the binary of the SDK's platform package. */
  claudePath?: string;
  /** Which settings files Claude Code reads; default user, project and local, as the CLI does. */
  settingSources?: SettingSource[];
  /** Between SIGTERM and SIGKILL on close. */
  killGraceMs?: number;
  /**
   * Restarts after unexpected exits without a finished turn in between, before giving up until
   * the next `send`. A turn that failed before asking the model anything does not count as finished.
   */
  maxRestarts?: number;
  /** The Agent SDK's `query`, replaceable in tests. */
  query?: typeof sdkQuery;
}

/** Filled in by the SDK's call to `spawnClaudeCodeProcess`, right after `query()`. */
interface ProcessSlot {
  handle?: ClaudeProcessHandle;
}

interface Runner {
  query: Query;
  /** The Claude session id this process was asked to continue. */
  resume: string | undefined;
  /** Claude Code said it has no transcript of `resume`. */
  conversationMissing: boolean;
  input: MessageChannel<SDKUserMessage>;
  process: ProcessSlot;
  ready: boolean;
  closing: boolean;
  interrupting: boolean;
}

/** The first restart waits this long, each further one twice as long. */
const RESTART_DELAY_MS = 250;

/** How a process ended, with the SDK's reason when it has one (such as a missing executable). */
function describeDeath(exit: ClaudeProcessExit | undefined, failure: unknown): string {
  const how = exit?.signal
    ? `signal ${exit.signal}`
    : exit?.code !== null && exit?.code !== undefined
      ? `exit code ${exit.code}`
      : 'it could not be started';
  const why = failure instanceof Error ? failure.message.split('\n')[0]?.trim() : undefined;
  if (!why) return how;
  return `${how}: ${why.length > 160 ? `${why.slice(0, 159)}…` : why}`;
}

/** How many of `messages` each sender sent, in order of first appearance. */
function countByOrigin(messages: Queued[]): Map<MessageOrigin | undefined, number> {
  const counts = new Map<MessageOrigin | undefined, number>();
  for (const { origin } of messages) counts.set(origin, (counts.get(origin) ?? 0) + 1);
  return counts;
}

function unansweredText(count: number): string {
  if (count === 0) return '';
  return count === 1 ? 'Your last message was not answered. ' : `${count} messages were not answered. `;
}

/**
 * One long-lived Claude Code process for one bridge session, in streaming-input mode.
 * The process is spawned at construction so the cold start is over by the first message.
 * Messages wait in the session's own queue and go to Claude one at a time, each after the
 * previous turn's result, so every answer belongs to exactly one message. A process that dies
 * is replaced by one resuming the same Claude session, and the message it was working on is
 * sent again; if Claude Code has no transcript of that session, a fresh one is started instead.
 *
 * @example
 * const session = createClaudeSession({ cwd, env: process.env, logger });
 * session.on((event) => { if (event.type === 'completed') console.log(event.answer); });
 * session.send('What is in this directory?');
 */
export class ClaudeSession {
  private readonly listeners = new Set<ClaudeEventListener>();
  private readonly queue: Queued[] = [];
  private inFlight: Queued | undefined;
  private runner: Runner | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  private deathsWithoutProgress = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private currentSessionId: string | undefined;
  private readonly log: Logger;

  constructor(private readonly options: ClaudeSessionOptions) {
    this.log = options.logger.child({ component: 'claude', cwd: options.cwd });
    this.currentSessionId = options.resume;
    this.launch();
  }

  get state(): ClaudeSessionState {
    if (this.closed) return 'closed';
    if (this.inFlight !== undefined) return 'busy';
    return this.runner?.ready ? 'idle' : 'starting';
  }

  /** Messages waiting behind the one being answered. */
  get queueLength(): number {
    return this.queue.length;
  }

  /** The senders of the message being answered (first) and of those waiting, in order. */
  get origins(): Array<MessageOrigin | undefined> {
    return [this.inFlight, ...this.queue].flatMap((queued) => (queued ? [queued.origin] : []));
  }

  get pid(): number | undefined {
    return this.runner?.process.handle?.pid;
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
  send(content: UserContent, origin?: MessageOrigin): void {
    if (this.closed) throw new Error('ClaudeSession: send after close');
    this.queue.push({ content, origin });
    if (!this.runner) this.launch();
    this.pump();
  }

  /** Stops the current turn; queued messages carry on afterwards. */
  async interrupt(): Promise<void> {
    const runner = this.runner;
    if (!runner || this.inFlight === undefined) return;
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
    clearTimeout(this.restartTimer);
    this.queue.length = 0;
    this.inFlight = undefined;
    const runner = this.runner;
    this.runner = undefined;
    if (!runner) return;
    runner.closing = true;
    runner.input.end();
    runner.query.close();
    await runner.process.handle?.terminate(this.options.killGraceMs);
    this.listeners.clear();
  }

  private launch(): void {
    const input = new MessageChannel<SDKUserMessage>();
    const slot: ProcessSlot = {};
    const resume = this.currentSessionId;
    const query = (this.options.query ?? sdkQuery)({ prompt: input, options: this.sdkOptions(slot, resume) });
    const runner: Runner = {
      query,
      resume,
      conversationMissing: false,
      input,
      process: slot,
      ready: false,
      closing: false,
      interrupting: false,
    };
    this.runner = runner;
    runner.query.initializationResult().then(
      () => {
        runner.ready = true;
      },
      (error: unknown) => this.log.debug({ err: error }, 'claude initialization did not finish'),
    );
    this.consume(runner, new ClaudeTranslator()).catch((error: unknown) =>
      this.log.error({ err: error }, 'claude session supervision failed'),
    );
  }

  private sdkOptions(slot: ProcessSlot, resume: string | undefined): Options {
    const { options } = this;
    return {
      cwd: options.cwd,
      env: options.env,
      ...(resume ? { resume } : {}),
      systemPrompt: { type: 'preset', preset: 'claude_code', append: options.personaPrompt ?? '' },
      ...(options.model ? { model: options.model } : {}),
      ...(options.maxTurns ? { maxTurns: options.maxTurns } : {}),
      ...(options.permissionMode ? { permissionMode: options.permissionMode } : {}),
      ...(options.claudePath ? { pathToClaudeCodeExecutable: options.claudePath } : {}),
      settingSources: options.settingSources ?? ['user', 'project', 'local'],
      canUseTool: toCanUseTool(options.askPermission ?? denyToolsNeedingApproval, this.log),
      stderr: (data) => this.log.debug({ stderr: data.trimEnd() }, 'claude stderr'),
      spawnClaudeCodeProcess: (spawnOptions) => {
        slot.handle = spawnClaudeCode(spawnOptions, { logger: this.log });
        return slot.handle.child;
      },
    };
  }

  /** Feeds the next queued message once the previous turn has its result. */
  private pump(): void {
    const runner = this.runner;
    if (!runner || runner.closing || this.inFlight !== undefined) return;
    const next = this.queue.shift();
    if (next === undefined) return;
    this.inFlight = next;
    runner.input.push({
      type: 'user',
      message: { role: 'user', content: next.content },
      parent_tool_use_id: null,
    });
  }

  private async consume(runner: Runner, translator: ClaudeTranslator): Promise<void> {
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

  private handle(runner: Runner, event: ClaudeEvent): void {
    const origin = this.inFlight?.origin;
    if (event.type === 'tool' && event.phase === 'started' && this.inFlight) this.inFlight.toolsAsked = true;
    if (event.type === 'started') {
      if (event.sessionId === this.currentSessionId) return;
      this.currentSessionId = event.sessionId;
    }
    // An interrupted turn ends in an error result: that is what the owner asked for, not a failure.
    if (runner.interrupting && event.type === 'error' && event.kind === 'unknown') return;
    if (event.type === 'completed') {
      this.inFlight = undefined;
      runner.interrupting = false;
      // A turn that failed before the model was asked anything proves nothing: not that the
      // process works, nor that its session id (never announced by `started`) has a transcript.
      if (!event.isError || event.numTurns > 0) {
        this.currentSessionId = event.sessionId;
        this.deathsWithoutProgress = 0;
      }
    }
    this.emit(event, origin);
    if (event.type === 'completed') this.pump();
  }

  private async replaceDeadProcess(runner: Runner, failure: unknown): Promise<void> {
    // Messages sent meanwhile wait in the queue (pump skips a closing runner) for the new process.
    runner.closing = true;
    // The stream can also end with the process still up (an SDK failure): end it for good first.
    // Tools it started may still run as well; they belong to the dead process.
    await runner.process.handle?.terminate(this.options.killGraceMs);
    const exit = await runner.process.handle?.exited;
    if (this.closed) return;
    this.runner = undefined;
    const lost = this.inFlight;
    this.inFlight = undefined;
    if (runner.conversationMissing) {
      this.startFreshConversation(runner.resume, lost);
      return;
    }
    this.log.warn({ err: failure, exit }, 'claude process died');
    const how = describeDeath(exit, failure);
    this.deathsWithoutProgress += 1;
    if (this.deathsWithoutProgress > (this.options.maxRestarts ?? 2)) {
      // Giving up: what waits in the queue would otherwise sit there, typing shown, until the next send.
      const unanswered = countByOrigin([...(lost ? [lost] : []), ...this.queue]);
      this.queue.length = 0;
      this.deathsWithoutProgress = 0;
      const notice = (count: number): ClaudeEvent => ({
        type: 'error',
        kind: 'process_died',
        message: `Claude Code keeps stopping (${how}). ${unansweredText(count)}It will be started again with your next message.`,
      });
      // Each chat hears of its own messages; with none waiting, the chat that used the session last.
      if (unanswered.size === 0) this.emit(notice(0), undefined);
      for (const [origin, count] of unanswered) this.emit(notice(count), origin);
      return;
    }
    const delayMs = RESTART_DELAY_MS * 2 ** (this.deathsWithoutProgress - 1);
    if (lost?.toolsAsked) {
      // Sending it again could run its tools twice (an upgrade, a deletion, a deploy): the owner decides.
      this.emit(
        {
          type: 'error',
          kind: 'process_died',
          message: `Claude Code stopped unexpectedly (${how}) while using tools for your message. It is restarting with the conversation so far, but your message is not sent again, as part of it may be done already: check, then send what is left.`,
        },
        lost.origin,
      );
      this.relaunch(undefined, delayMs);
      return;
    }
    // Nobody is waiting for an answer: restart quietly; the owner hears of it if it keeps failing.
    if (lost !== undefined)
      this.emit(
        {
          type: 'error',
          kind: 'process_died',
          message: `Claude Code stopped unexpectedly (${how}). Restarting it with the conversation so far; your message will be answered.`,
        },
        lost.origin,
      );
    this.relaunch(lost, delayMs);
  }

  /** Dropping the resume id is what ends the loop: a process without one cannot miss it. */
  private startFreshConversation(missing: string | undefined, lost: Queued | undefined): void {
    this.log.warn(
      { resume: missing },
      'claude has no transcript of the session to resume; starting a fresh one',
    );
    this.currentSessionId = undefined;
    this.emit(
      {
        type: 'error',
        kind: 'conversation_not_found',
        message: `The earlier conversation of this session could not be found (Claude Code has no transcript of session ${missing}); starting a fresh one${lost === undefined ? '' : ' to answer your message'}.`,
      },
      lost?.origin,
    );
    this.relaunch(lost);
  }

  /**
   * A new process, with the message the previous one lost answered first; after `delayMs`, so a
   * failure that lasts a moment (memory, a busy disk) is not met with restarts in a tight loop.
   * A `send` meanwhile starts it at once.
   */
  private relaunch(lost: Queued | undefined, delayMs = 0): void {
    if (lost !== undefined) this.queue.unshift(lost);
    const start = () => {
      this.restartTimer = undefined;
      if (this.closed || this.runner) return;
      this.launch();
      this.pump();
    };
    if (delayMs <= 0) start();
    else this.restartTimer = setTimeout(start, delayMs);
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
