import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { describe, expect, it } from 'vitest';
import { ClaudeTranslator, missingConversationOf } from '../../src/claude/translate.ts';

const sessionId = '7bcafecf-d9db-438d-b88c-fe6b3e9d9544';
const base = { session_id: sessionId, uuid: 'b55960fe-9a79-4297-a7fb-804d218e60d0' };

// Shapes as Claude Code 2.1.330 emits them (trimmed of fields the translator does not read).
const init = {
  type: 'system',
  subtype: 'init',
  cwd: '/srv/sessions/demo',
  tools: ['Bash', 'Read', 'Edit', 'Write'],
  mcp_servers: [],
  model: 'claude-opus-5-5',
  permissionMode: 'default',
  apiKeySource: 'ANTHROPIC_API_KEY',
  claude_code_version: '2.1.330',
  ...base,
} as unknown as SDKMessage;

function assistant(content: unknown[], extra: Record<string, unknown> = {}): SDKMessage {
  return {
    type: 'assistant',
    message: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-opus-5-5',
      content,
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 1, output_tokens: 1 },
    },
    parent_tool_use_id: null,
    ...base,
    ...extra,
  } as unknown as SDKMessage;
}

function toolResult(toolUseId: string, isError = false, parent: string | null = null): SDKMessage {
  return {
    type: 'user',
    message: {
      role: 'user',
      content: [{ tool_use_id: toolUseId, type: 'tool_result', content: 'ok', is_error: isError }],
    },
    parent_tool_use_id: parent,
    ...base,
  } as unknown as SDKMessage;
}

function result(extra: Record<string, unknown>): SDKMessage {
  return {
    type: 'result',
    subtype: 'success',
    duration_ms: 1234,
    duration_api_ms: 900,
    is_error: false,
    num_turns: 2,
    result: 'Done.',
    stop_reason: 'end_turn',
    total_cost_usd: 0.0123,
    usage: {
      input_tokens: 120,
      output_tokens: 45,
      cache_creation_input_tokens: 3,
      cache_read_input_tokens: 7,
    },
    modelUsage: {},
    permission_denials: [],
    ...base,
    ...extra,
  } as unknown as SDKMessage;
}

describe('ClaudeTranslator', () => {
  it('turns init into started and a text answer into text and completed', () => {
    const translator = new ClaudeTranslator();
    expect(translator.translate(init)).toEqual([{ type: 'started', sessionId, model: 'claude-opus-5-5' }]);
    expect(translator.translate(assistant([{ type: 'text', text: 'Hello!' }]))).toEqual([
      { type: 'text', text: 'Hello!' },
    ]);
    expect(translator.translate(result({ result: 'Hello!' }))).toEqual([
      {
        type: 'completed',
        sessionId,
        answer: 'Hello!',
        isError: false,
        durationMs: 1234,
        numTurns: 2,
        totalCostUsd: 0.0123,
        usage: { inputTokens: 120, outputTokens: 45, cacheReadTokens: 7, cacheCreationTokens: 3 },
      },
    ]);
  });

  it('follows a tool from its call to its result, naming it by the tool_use id', () => {
    const translator = new ClaudeTranslator();
    const started = translator.translate(
      assistant([
        { type: 'thinking', thinking: 'let me look', signature: 'x' },
        { type: 'tool_use', id: 'toolu_01', name: 'Read', input: { file_path: '/srv/app/config.json' } },
        { type: 'tool_use', id: 'toolu_02', name: 'Bash', input: { command: 'npm test' } },
      ]),
    );
    expect(started).toEqual([
      {
        type: 'tool',
        phase: 'started',
        toolUseId: 'toolu_01',
        name: 'Read',
        input: { file_path: '/srv/app/config.json' },
      },
      { type: 'tool', phase: 'started', toolUseId: 'toolu_02', name: 'Bash', input: { command: 'npm test' } },
    ]);
    expect(translator.translate(toolResult('toolu_02', true))).toEqual([
      {
        type: 'tool',
        phase: 'completed',
        toolUseId: 'toolu_02',
        name: 'Bash',
        input: { command: 'npm test' },
        isError: true,
        output: 'ok',
      },
    ]);
  });

  it('keeps subagent traffic off the phone', () => {
    const translator = new ClaudeTranslator();
    expect(
      translator.translate(
        assistant([{ type: 'text', text: 'inner' }], { parent_tool_use_id: 'toolu_task' }),
      ),
    ).toEqual([]);
    expect(translator.translate(toolResult('toolu_inner', false, 'toolu_task'))).toEqual([]);
  });

  it('reports that Claude Code is not logged in, once, and leaves the raw text out of the answer', () => {
    const translator = new ClaudeTranslator();
    const events = translator.translate(
      assistant([{ type: 'text', text: 'Not logged in · Please run /login' }], {
        error: 'authentication_failed',
      }),
    );
    expect(events).toEqual([{ type: 'error', kind: 'authentication_failed', status: undefined }]);
    const [completed] = translator.translate(
      result({ is_error: true, result: 'Not logged in · Please run /login', num_turns: 1 }),
    );
    expect(completed).toMatchObject({ type: 'completed', isError: true, answer: '' });
  });

  it.each([
    ['server_error', 529, 'overloaded'],
    ['rate_limit', 429, 'rate_limited'],
    ['server_error', 500, 'server_error'],
    ['overloaded', undefined, 'overloaded'],
    ['authentication_failed', 403, 'authentication_failed'],
  ] as const)(
    'classifies an API error %s with status %s as %s, keeping the status',
    (error, status, kind) => {
      const translator = new ClaudeTranslator();
      const events = translator.translate(
        assistant([{ type: 'text', text: `API Error: ${status} something` }], {
          error,
          ...(status ? { api_error_status: status } : {}),
        }),
      );
      expect(events).toEqual([{ type: 'error', kind, status }]);
    },
  );

  it("keeps Claude Code's own text for an API error it did not classify", () => {
    const translator = new ClaudeTranslator();
    const events = translator.translate(
      assistant([{ type: 'text', text: 'Credit balance is too low' }], { error: 'billing_error' }),
    );
    expect(events).toEqual([
      {
        type: 'error',
        kind: 'api_error',
        error: 'billing_error',
        status: undefined,
        detail: 'Credit balance is too low',
      },
    ]);
  });

  it('reports Claude Code retrying the model API', () => {
    const translator = new ClaudeTranslator();
    const retry = {
      type: 'system',
      subtype: 'api_retry',
      attempt: 1,
      max_retries: 10,
      retry_delay_ms: 531,
      error_status: 529,
      error: 'overloaded',
      ...base,
    } as unknown as SDKMessage;
    expect(translator.translate(retry)).toEqual([
      { type: 'retrying', attempt: 1, maxRetries: 10, delayMs: 531, status: 529, error: 'overloaded' },
    ]);
  });

  it('turns error results into typed errors carrying what explains them', () => {
    const translator = new ClaudeTranslator();
    const maxTurns = translator.translate(
      result({ subtype: 'error_max_turns', is_error: true, num_turns: 5, errors: [] }),
    );
    expect(maxTurns[0]).toEqual({ type: 'error', kind: 'max_turns', numTurns: 5 });
    expect(maxTurns[1]).toMatchObject({ type: 'completed', isError: true, answer: '' });

    const budget = translator.translate(
      result({ subtype: 'error_max_budget_usd', is_error: true, num_turns: 3, errors: [] }),
    );
    expect(budget[0]).toEqual({ type: 'error', kind: 'budget_exceeded' });

    const crashed = translator.translate(
      result({ subtype: 'error_during_execution', is_error: true, errors: ['tool runner crashed'] }),
    );
    expect(crashed[0]).toEqual({ type: 'error', kind: 'execution_failed', errors: ['tool runner crashed'] });

    const failed = translator.translate(result({ is_error: true, result: 'API Error: 400 bad request' }));
    expect(failed[0]).toEqual({ type: 'error', kind: 'turn_failed', detail: 'API Error: 400 bad request' });
    expect(failed[1]).toMatchObject({
      type: 'completed',
      isError: true,
      answer: 'API Error: 400 bad request',
    });
  });

  it('recognises the start-up failure of a resume id Claude Code has no transcript of', () => {
    const gone = '7c9e6679-7425-40de-944b-e07fc1f99a8b';
    const notFound = result({
      subtype: 'error_during_execution',
      is_error: true,
      num_turns: 0,
      errors: [`No conversation found with session ID: ${gone}`],
    });
    expect(missingConversationOf(notFound)).toBe(gone);
    expect(missingConversationOf(result({ result: `No conversation found with session ID: ${gone}` }))).toBe(
      undefined,
    );
    expect(
      missingConversationOf(
        result({ subtype: 'error_during_execution', is_error: true, errors: ['tool runner crashed'] }),
      ),
    ).toBe(undefined);
    expect(missingConversationOf(init)).toBe(undefined);
  });

  it('ignores messages the phone does not need', () => {
    const translator = new ClaudeTranslator();
    const status = {
      type: 'system',
      subtype: 'status',
      status: 'compacting',
      ...base,
    } as unknown as SDKMessage;
    expect(translator.translate(status)).toEqual([]);
    expect(translator.translate(assistant([{ type: 'text', text: '   ' }]))).toEqual([]);
  });

  it('turns streamed text deltas of the main agent into text_delta events, and nothing else', () => {
    const translator = new ClaudeTranslator();
    const streamEvent = (event: unknown, parent: string | null = null) =>
      ({ type: 'stream_event', event, parent_tool_use_id: parent, ...base }) as unknown as SDKMessage;
    const delta = (text: string) => ({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text },
    });
    expect(translator.translate(streamEvent(delta('Hel')))).toEqual([{ type: 'text_delta', text: 'Hel' }]);
    expect(translator.translate(streamEvent(delta('lo'), 'toolu_1'))).toEqual([]);
    expect(
      translator.translate(
        streamEvent({
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'input_json_delta', partial_json: '{' },
        }),
      ),
    ).toEqual([]);
    expect(translator.translate(streamEvent({ type: 'message_stop' }))).toEqual([]);
  });
});
