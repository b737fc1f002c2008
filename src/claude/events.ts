/**
 * The bridge's own small vocabulary for what a Claude Code process does.
 * The Agent SDK's messages are translated into these in one place (translate.ts);
 * the Telegram side only ever sees these events, and words them itself.
 */

/** How a Claude Code process ended, for telling the owner why it stopped. */
export interface ProcessDeath {
  /** The exit code, when it exited on its own. */
  exitCode: number | null;
  /** The signal that ended it; `exitCode` and `signal` both null: it could not be started. */
  signal: NodeJS.Signals | null;
  /** The first line of the SDK's error, when it gave one (such as a missing executable). */
  cause: string | undefined;
}

/** Model API failures Claude Code classified; `status` is the HTTP status when it reported one. */
export type ModelApiErrorKind = 'authentication_failed' | 'rate_limited' | 'overloaded' | 'server_error';

/** Why a turn or the process failed, with what is needed to explain it. */
export type ClaudeError =
  /** The model API failed: not logged in / bad key (401, 403), 429, 529, other 5xx. */
  | { kind: ModelApiErrorKind; status: number | undefined }
  /** Another model API failure (billing, invalid request …): Claude Code's code and its own text. */
  | { kind: 'api_error'; error: string; status: number | undefined; detail: string | undefined }
  /** The turn hit the persona's max_turns. */
  | { kind: 'max_turns'; numTurns: number }
  /** The session's spending limit was reached. */
  | { kind: 'budget_exceeded' }
  /** The turn's result was marked as an error; `detail` is the result's text. */
  | { kind: 'turn_failed'; detail: string | undefined }
  /** Claude Code ended the turn with an error of its own; `errors` are its lines. */
  | { kind: 'execution_failed'; errors: string[] }
  /** The process died with a message in flight that used no tools: it restarts and answers it. */
  | { kind: 'process_restarting'; death: ProcessDeath }
  /** The process died while no message was being answered: it restarts with the conversation. */
  | { kind: 'process_restarted'; death: ProcessDeath }
  /**
   * The process died while Claude was using tools for a message: it restarts, but that message
   * is not sent again, as part of it may be done already.
   */
  | { kind: 'process_restarting_after_tools'; death: ProcessDeath }
  /**
   * The process died `crashes` times within `windowMs`: no more restarts (until the next message).
   * `unanswered`: how many of this origin's messages were dropped (0: none were waiting).
   */
  | { kind: 'process_gave_up'; death: ProcessDeath; unanswered: number; crashes: number; windowMs: number }
  /**
   * Claude Code has no transcript of the session to resume. Nothing is started until
   * `ClaudeSession.startFresh()`; `held`: the messages waiting for that decision.
   */
  | { kind: 'conversation_not_found'; missingSessionId: string; held: number };

export type ClaudeErrorKind = ClaudeError['kind'];

export type ClaudeEvent =
  /** The process reported its session id (from `system/init`). */
  | { type: 'started'; sessionId: string; model: string }
  /** A complete block of answer text from the assistant. */
  | { type: 'text'; text: string }
  /** A piece of answer text as the model writes it (streaming); the whole block follows as `text`. */
  | { type: 'text_delta'; text: string }
  /** A tool call: its name and the input Claude gave it. */
  | {
      type: 'tool';
      phase: 'started' | 'completed';
      toolUseId: string;
      name: string;
      input: Record<string, unknown>;
      isError?: boolean;
      /** On completion: the tool's output as text (may be long; the Telegram side trims it). */
      output?: string;
    }
  /**
   * The model API failed and Claude Code is retrying. `status`: the HTTP status, null for a
   * connection error; `error`: Claude Code's name for the failure (such as `overloaded`).
   */
  | {
      type: 'retrying';
      attempt: number;
      maxRetries: number;
      delayMs: number;
      status: number | null;
      error: string;
    }
  /** A failure the owner should be told about; the session stays usable. */
  | ({ type: 'error' } & ClaudeError)
  /**
   * The account's usage limit stopped the turn (sent just before its `completed`). The session's
   * queue is held until `resetsAt` (epoch ms), then its `held` messages go to Claude; `resending`:
   * the message that hit the limit is among them (not when Claude had used tools for it).
   */
  | { type: 'usage_limit'; resetsAt: number; resetKnown: boolean; held: number; resending: boolean }
  /** The usage limit's reset came: the `sending` held messages now go to Claude. */
  | { type: 'usage_limit_lifted'; sending: number }
  /** A turn ended. `answer` is the final text of the turn (may be empty). */
  | {
      type: 'completed';
      sessionId: string;
      answer: string;
      isError: boolean;
      durationMs: number;
      numTurns: number;
      /** Cumulative over the process (and restored by a resume): see `turnCostUsd`. */
      totalCostUsd: number;
      /** What this turn alone cost, worked out from the cumulative figures. */
      turnCostUsd?: number;
      /** The owner interrupted it (`/stop`, `!`): its error is no failure. */
      interrupted?: boolean;
      usage: {
        inputTokens: number;
        outputTokens: number;
        cacheReadTokens?: number;
        cacheCreationTokens?: number;
      };
    };

/** Who sent a message (the bridge passes the chat id). The events of that message's turn carry it. */
export type MessageOrigin = number | string;

/** `origin`: the sender of the message the event belongs to; undefined for events of no message. */
export type ClaudeEventListener = (event: ClaudeEvent, origin: MessageOrigin | undefined) => void;
