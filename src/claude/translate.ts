import type { SDKAssistantMessageError, SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import type { ClaudeError, ClaudeEvent, ModelApiErrorKind } from './events.ts';
import { localCommandOutput } from './local-command.ts';

const apiErrorKinds: Partial<Record<SDKAssistantMessageError, ModelApiErrorKind>> = {
  authentication_failed: 'authentication_failed',
  oauth_org_not_allowed: 'authentication_failed',
  cloud_credential_error: 'authentication_failed',
  rate_limit: 'rate_limited',
  overloaded: 'overloaded',
  server_error: 'server_error',
};

/**
 * Claude Code 2.1.330 labels a 529 `server_error` in the assistant message's `error`, but its
 * (undeclared) `api_error_status` field says 529: the HTTP status is the better witness.
 */
function apiError(error: SDKAssistantMessageError, status: number | undefined, text: string): ClaudeError {
  const kind: ModelApiErrorKind | undefined =
    status === 529
      ? 'overloaded'
      : status === 429
        ? 'rate_limited'
        : status === 401 || status === 403
          ? 'authentication_failed'
          : status !== undefined && status >= 500
            ? 'server_error'
            : apiErrorKinds[error];
  if (kind) return { kind, status };
  return { kind: 'api_error', error, status, detail: text || undefined };
}

/**
 * The session id Claude Code was asked to resume but has no transcript of (HOME or
 * CLAUDE_CONFIG_DIR changed, the file was deleted). Claude Code 2.1.330 says so in an error
 * result right at start-up and exits 1, so resuming the same id again can never work.
 */
export function missingConversationOf(message: SDKMessage): string | undefined {
  if (message.type !== 'result' || message.subtype === 'success') return undefined;
  for (const error of message.errors) {
    const id = /No conversation found with session ID: *(\S+)/.exec(error)?.[1];
    if (id) return id;
  }
  return undefined;
}

type Block = { type: string; [key: string]: unknown };

function blocksOf(content: unknown): Block[] {
  return Array.isArray(content) ? (content as Block[]) : [];
}

function textOfBlocks(content: unknown): string {
  return blocksOf(content)
    .filter((block) => block.type === 'text' && typeof block.text === 'string')
    .map((block) => block.text as string)
    .join('\n');
}

/** A `stream_event` carrying answer text as it is written; subagents' streams stay off the phone. */
function textDeltaOf(message: Extract<SDKMessage, { type: 'stream_event' }>): ClaudeEvent[] {
  if (message.parent_tool_use_id !== null) return [];
  const event = message.event;
  if (event.type !== 'content_block_delta' || event.delta.type !== 'text_delta') return [];
  return event.delta.text ? [{ type: 'text_delta', text: event.delta.text }] : [];
}

/** A tool_result's content as text: a string, or the text parts of its blocks. */
function toolOutputOf(content: unknown): string {
  if (typeof content === 'string') return content;
  return textOfBlocks(content);
}

/**
 * SDK messages → the bridge's events. One translator per Claude Code process: it remembers which
 * tool each tool_use id was (a tool_result names only the id) and whether the current turn already
 * reported its error, so the owner is told once.
 */
export class ClaudeTranslator {
  private readonly tools = new Map<string, { name: string; input: Record<string, unknown> }>();
  private turnErrorReported = false;

  translate(message: SDKMessage): ClaudeEvent[] {
    switch (message.type) {
      case 'system':
        if (message.subtype === 'init')
          return [{ type: 'started', sessionId: message.session_id, model: message.model }];
        if (message.subtype === 'api_retry') {
          return [
            {
              type: 'retrying',
              attempt: message.attempt,
              maxRetries: message.max_retries,
              delayMs: message.retry_delay_ms,
              status: message.error_status,
              error: message.error,
            },
          ];
        }
        return [];
      case 'assistant':
        // Subagent chatter stays off the phone; its tool runs as the parent's Task tool.
        if (message.parent_tool_use_id !== null) return [];
        if (message.error) {
          const status = 'api_error_status' in message ? message.api_error_status : undefined;
          this.turnErrorReported = true;
          const error = apiError(
            message.error,
            typeof status === 'number' ? status : undefined,
            textOfBlocks(message.message.content),
          );
          return [{ type: 'error', ...error }];
        }
        return this.assistantContent(message.message.content);
      case 'user': {
        if (message.parent_tool_use_id !== null) return [];
        const local = localCommandOutput(message.message.content);
        if (local !== undefined) return [{ type: 'text', text: local }];
        return this.toolResults(message.message.content);
      }
      case 'result':
        return this.result(message);
      case 'stream_event':
        return textDeltaOf(message);
      default:
        return [];
    }
  }

  private assistantContent(content: unknown): ClaudeEvent[] {
    const events: ClaudeEvent[] = [];
    for (const block of blocksOf(content)) {
      if (block.type === 'text' && typeof block.text === 'string' && block.text.trim() !== '') {
        events.push({ type: 'text', text: block.text });
      } else if (
        block.type === 'tool_use' &&
        typeof block.id === 'string' &&
        typeof block.name === 'string'
      ) {
        const input = (typeof block.input === 'object' && block.input !== null ? block.input : {}) as Record<
          string,
          unknown
        >;
        this.tools.set(block.id, { name: block.name, input });
        events.push({ type: 'tool', phase: 'started', toolUseId: block.id, name: block.name, input });
      }
    }
    return events;
  }

  private toolResults(content: unknown): ClaudeEvent[] {
    return blocksOf(content)
      .filter((block) => block.type === 'tool_result' && typeof block.tool_use_id === 'string')
      .map((block) => {
        const toolUseId = block.tool_use_id as string;
        const tool = this.tools.get(toolUseId) ?? { name: 'tool', input: {} };
        this.tools.delete(toolUseId);
        return {
          type: 'tool',
          phase: 'completed',
          toolUseId,
          name: tool.name,
          input: tool.input,
          isError: block.is_error === true,
          output: toolOutputOf(block.content),
        };
      });
  }

  private result(message: Extract<SDKMessage, { type: 'result' }>): ClaudeEvent[] {
    const events: ClaudeEvent[] = [];
    const alreadyReported = this.turnErrorReported;
    this.turnErrorReported = false;
    let answer = '';
    if (message.subtype === 'success') {
      answer = message.is_error && alreadyReported ? '' : message.result;
      if (message.is_error && !alreadyReported) {
        events.push({ type: 'error', kind: 'turn_failed', detail: message.result || undefined });
      }
    } else if (!alreadyReported) {
      events.push(this.resultError(message.subtype, message.num_turns, message.errors));
    }
    events.push({
      type: 'completed',
      sessionId: message.session_id,
      answer,
      isError: message.is_error || message.subtype !== 'success',
      durationMs: message.duration_ms,
      numTurns: message.num_turns,
      totalCostUsd: message.total_cost_usd,
      usage: {
        inputTokens: message.usage.input_tokens,
        outputTokens: message.usage.output_tokens,
        cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
        cacheCreationTokens: message.usage.cache_creation_input_tokens ?? 0,
      },
    });
    return events;
  }

  private resultError(subtype: string, numTurns: number, errors: string[]): ClaudeEvent {
    switch (subtype) {
      case 'error_max_turns':
        return { type: 'error', kind: 'max_turns', numTurns };
      case 'error_max_budget_usd':
        return { type: 'error', kind: 'budget_exceeded' };
      default:
        return { type: 'error', kind: 'execution_failed', errors };
    }
  }
}
