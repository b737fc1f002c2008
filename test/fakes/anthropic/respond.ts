import type { ServerResponse } from 'node:http';
import type { ErrorStatus } from './types.ts';

/** One assistant message the fake will send, already decided. */
export type AssistantContent =
  | { kind: 'text'; chunks: string[]; chunkDelayMs: number }
  | { kind: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface ResponseContext {
  messageId: string;
  model: string;
  inputTokens: number;
}

const errorTypes: Record<ErrorStatus, { type: string; message: string }> = {
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  429: {
    type: 'rate_limit_error',
    message: 'Number of request tokens has exceeded your per-minute rate limit',
  },
  500: { type: 'api_error', message: 'Internal server error' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function sseFrame(event: string, data: Record<string, unknown>): string {
  return `event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`;
}

export function outputTokens(content: AssistantContent): number {
  const size =
    content.kind === 'text' ? content.chunks.join('').length : JSON.stringify(content.input).length;
  return Math.max(1, Math.ceil(size / 4));
}

function messageShell(context: ResponseContext) {
  return {
    id: context.messageId,
    type: 'message',
    role: 'assistant',
    model: context.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: context.inputTokens, output_tokens: 1 },
  };
}

export function sendError(res: ServerResponse, status: ErrorStatus, message?: string): void {
  const { type, message: fallback } = errorTypes[status];
  const requestId = `req_fake_${Date.now().toString(36)}`;
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId });
  res.end(
    JSON.stringify({ type: 'error', error: { type, message: message ?? fallback }, request_id: requestId }),
  );
}

/** A usage-limit 429: Anthropic's error body plus the unified rate-limit headers Claude Code reads. */
export function sendUsageLimit(res: ServerResponse, resetsAt: number, claim = 'five_hour'): void {
  const requestId = `req_fake_${Date.now().toString(36)}`;
  res.writeHead(429, {
    'content-type': 'application/json',
    'request-id': requestId,
    'retry-after': String(Math.max(1, Math.ceil(resetsAt - Date.now() / 1000))),
    'anthropic-ratelimit-unified-status': 'rejected',
    'anthropic-ratelimit-unified-reset': String(resetsAt),
    'anthropic-ratelimit-unified-representative-claim': claim,
  });
  res.end(
    JSON.stringify({
      type: 'error',
      error: {
        type: 'rate_limit_error',
        message: "This request would exceed your account's rate limit. Please try again later.",
      },
      request_id: requestId,
    }),
  );
}

/** The whole message as one JSON body (`"stream": false`). */
export function sendJson(res: ServerResponse, content: AssistantContent, context: ResponseContext): void {
  const block =
    content.kind === 'text'
      ? { type: 'text', text: content.chunks.join('') }
      : { type: 'tool_use', id: content.id, name: content.name, input: content.input };
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      ...messageShell(context),
      content: [block],
      stop_reason: content.kind === 'text' ? 'end_turn' : 'tool_use',
      usage: { input_tokens: context.inputTokens, output_tokens: outputTokens(content) },
    }),
  );
}

/**
 * Server-sent events framed as the Messages API frames them. With `cutOffAfterChars`, the connection
 * is destroyed once that much text has been sent, before `content_block_stop`.
 */
export async function sendStream(
  res: ServerResponse,
  content: AssistantContent,
  context: ResponseContext,
  cutOffAfterChars?: number,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(sseFrame('message_start', { message: messageShell(context) }));
  if (content.kind === 'text') {
    res.write(sseFrame('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
    let sent = 0;
    for (const [i, chunk] of content.chunks.entries()) {
      if (i > 0 && content.chunkDelayMs > 0) await sleep(content.chunkDelayMs);
      if (res.destroyed) return;
      const room = cutOffAfterChars === undefined ? chunk.length : cutOffAfterChars - sent;
      const piece = chunk.slice(0, Math.max(0, room));
      if (piece)
        res.write(sseFrame('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }));
      sent += piece.length;
      if (cutOffAfterChars !== undefined && sent >= cutOffAfterChars) {
        // Let the bytes leave before the connection drops, as a real half-way cut does.
        await sleep(20);
        res.destroy();
        return;
      }
    }
  } else {
    res.write(
      sseFrame('content_block_start', {
        index: 0,
        content_block: { type: 'tool_use', id: content.id, name: content.name, input: {} },
      }),
    );
    const json = JSON.stringify(content.input);
    const middle = Math.ceil(json.length / 2);
    for (const part of [json.slice(0, middle), json.slice(middle)]) {
      res.write(
        sseFrame('content_block_delta', {
          index: 0,
          delta: { type: 'input_json_delta', partial_json: part },
        }),
      );
    }
  }
  res.write(sseFrame('content_block_stop', { index: 0 }));
  res.write(
    sseFrame('message_delta', {
      delta: { stop_reason: content.kind === 'text' ? 'end_turn' : 'tool_use', stop_sequence: null },
      usage: { output_tokens: outputTokens(content) },
    }),
  );
  res.write(sseFrame('message_stop', {}));
  res.end();
}
