import type { ImageBlock, ParsedRequest } from './request.ts';

/** A tool_result the CLI sent back in the newest user message. */
export interface ToolResult {
  toolUseId: string;
  content: string;
  isError: boolean;
}

/** Every `POST /v1/messages` the fake answered, as a test wants to assert it. */
export interface RecordedRequest extends ParsedRequest {
  /** 1-based order among all requests the fake received. */
  seq: number;
  /** A request without tools: Claude Code naming the session. Answered by the fake, never by the script. */
  isTitleRequest: boolean;
  headers: Record<string, string | string[] | undefined>;
  /** The usage the fake reported in its answer (none for an error answer). */
  reportedUsage?: { inputTokens: number; outputTokens: number };
  /** Clock time (ms) when the request arrived, before its body was read. */
  receivedAt: number;
  /** Clock time (ms) when the first text delta of a streamed text answer was handed to the socket. */
  firstDeltaAt?: number;
  /** Clock time (ms) when the answer's last byte was handed to the socket; unset until then, and for a cut-off stream. */
  finishedAt?: number;
}

/** What the script sees: one main-loop request, already taken apart. */
export interface ModelTurn {
  /** The newest user text (last text block of the last `role:"user"` message, system reminders skipped). */
  userText: string;
  /** The images that came with it (base64 image blocks, decoded). */
  images: ImageBlock[];
  messages: ParsedRequest['messages'];
  /** The system prompt, text blocks joined with newlines. */
  system: string;
  /** tool_result blocks of the newest user message (empty on a plain user turn). */
  toolResults: ToolResult[];
  request: RecordedRequest;
}

export type ErrorStatus = 401 | 429 | 500 | 529;

export type ModelReply =
  /** Plain text; with `chunks`, streamed as those text deltas, `chunkDelayMs` apart. */
  | { text: string; chunks?: string[]; chunkDelayMs?: number }
  /** A tool call; `thenText` answers the request that brings its tool_result back. */
  | { toolUse: { name: string; input: Record<string, unknown> }; thenText?: string }
  /** An HTTP error with Anthropic's JSON error body. */
  | { error: ErrorStatus; message?: string }
  /**
   * The subscription's usage limit: a 429 with `anthropic-ratelimit-unified-status: rejected`, the
   * reset (epoch seconds) and the limit that was hit, as the API answers a signed-in Claude Code.
   * Claude Code only reads these headers when signed in (CLAUDE_CODE_OAUTH_TOKEN, no API key).
   */
  | { usageLimit: { resetsAt: number; claim?: 'five_hour' | 'seven_day' } }
  /** A stream that starts `text` and drops the connection after `cutOffAfterChars` characters. */
  | { cutOffAfterChars: number; text: string };

export type Script = (turn: ModelTurn) => ModelReply | Promise<ModelReply>;
