/**
 * The bridge's own small vocabulary for what a Claude Code process does.
 * The Agent SDK's messages are translated into these in one place (translate.ts);
 * the Telegram side only ever sees these events.
 */

/** Why a turn or the process failed, in terms the owner can act on. */
export type ClaudeErrorKind =
  | 'authentication_failed' // Claude Code on the host is not logged in / bad API key
  | 'rate_limited' // model API 429
  | 'overloaded' // model API 529
  | 'server_error' // model API 5xx
  | 'max_turns' // the turn hit the persona's max_turns
  | 'process_died' // the Claude Code process exited mid-turn
  | 'conversation_not_found' // the Claude session to resume has no transcript; a fresh one was started
  | 'unknown';

export type ClaudeEvent =
  /** The process reported its session id (from `system/init`). */
  | { type: 'started'; sessionId: string; model: string }
  /** A complete block of answer text from the assistant. */
  | { type: 'text'; text: string }
  /** A tool call; `summary` is a short progress line such as "Reading config.json". */
  | {
      type: 'tool';
      phase: 'started' | 'completed';
      toolUseId: string;
      name: string;
      summary: string;
      isError?: boolean;
    }
  /** The model API failed and Claude Code is retrying. */
  | { type: 'retrying'; attempt: number; maxRetries: number; delayMs: number; reason: string }
  /** A failure the owner should be told about; the session stays usable. */
  | { type: 'error'; kind: ClaudeErrorKind; message: string }
  /** A turn ended. `answer` is the final text of the turn (may be empty). */
  | {
      type: 'completed';
      sessionId: string;
      answer: string;
      isError: boolean;
      durationMs: number;
      numTurns: number;
      totalCostUsd: number;
      usage: { inputTokens: number; outputTokens: number };
    };

/** Who sent a message (the bridge passes the chat id). The events of that message's turn carry it. */
export type MessageOrigin = number | string;

/** `origin`: the sender of the message the event belongs to; undefined for events of no message. */
export type ClaudeEventListener = (event: ClaudeEvent, origin: MessageOrigin | undefined) => void;
