/** What the owner reads about Claude Code: each typed outcome of src/claude/ and its sentence. */
import { describe, expect, it } from 'vitest';
import type { ProcessDeath } from '../../../src/claude/events.ts';
import {
  describeDeath,
  errorNotice,
  retryingLine,
  shuttingDownNotice,
} from '../../../src/telegram/copy/claude.ts';

const killed: ProcessDeath = { exitCode: null, signal: 'SIGKILL', cause: undefined };

describe('errorNotice: failures of the model API', () => {
  it('not logged in: how to log in, or the API key to set', () => {
    expect(errorNotice({ kind: 'authentication_failed', status: 401 })).toBe(
      '⚠️ Claude Code is not logged in on the host. Run `claude` there and sign in with /login, or set ANTHROPIC_API_KEY for the bot.',
    );
  });

  it.each([
    ['rate_limited', '⚠️ The model API is rate-limiting requests (429). Try again in a minute.'],
    ['overloaded', '⚠️ The model API is overloaded (529). Try again in a little while.'],
    ['server_error', '⚠️ The model API had a server error. Try again in a little while.'],
  ] as const)('%s: says so, and when to try again', (kind, text) => {
    expect(errorNotice({ kind, status: undefined })).toBe(text);
  });

  it("another API error: Claude Code's own text, or its name for the error", () => {
    expect(
      errorNotice({
        kind: 'api_error',
        error: 'billing_error',
        status: 400,
        detail: 'Credit balance is too low',
      }),
    ).toBe('⚠️ Credit balance is too low');
    expect(errorNotice({ kind: 'api_error', error: 'billing_error', status: 400, detail: undefined })).toBe(
      '⚠️ Claude Code reported an error: billing_error',
    );
  });
});

describe('errorNotice: turns that ended in an error', () => {
  it("max_turns: how many turns, and that it is the session's limit", () => {
    expect(errorNotice({ kind: 'max_turns', numTurns: 5 })).toBe(
      "⚠️ Stopped after 5 turns (the session's limit).",
    );
  });

  it('budget: the spending limit was reached', () => {
    expect(errorNotice({ kind: 'budget_exceeded' })).toBe(
      '⚠️ Stopped: the spending limit for this session was reached.',
    );
  });

  it("a failed turn or execution: Claude Code's own words, or a plain fallback", () => {
    expect(errorNotice({ kind: 'turn_failed', detail: 'API Error: 400' })).toBe('⚠️ API Error: 400');
    expect(errorNotice({ kind: 'turn_failed', detail: undefined })).toBe('⚠️ The turn ended with an error.');
    expect(errorNotice({ kind: 'execution_failed', errors: ['tool runner crashed', 'again'] })).toBe(
      '⚠️ Claude Code failed: tool runner crashed; again',
    );
    expect(errorNotice({ kind: 'execution_failed', errors: [] })).toBe(
      '⚠️ Claude Code stopped with an error.',
    );
  });
});

describe('errorNotice: Claude Code stopping', () => {
  it('a crash with the message in flight: restarting, and the message will be answered', () => {
    expect(errorNotice({ kind: 'process_restarting', death: killed })).toBe(
      '⚠️ Claude Code stopped unexpectedly (signal SIGKILL). Restarting it with the conversation so far; your message will be answered.',
    );
  });

  it('a crash while tools ran: restarting, but the message is not sent again', () => {
    expect(errorNotice({ kind: 'process_restarting_after_tools', death: killed })).toBe(
      '⚠️ Claude Code stopped unexpectedly (signal SIGKILL) while using tools for your message. It is restarting with the conversation so far, but your message is not sent again, as part of it may be done already: check, then send what is left.',
    );
  });

  it('a crash while idle: restarting with the conversation', () => {
    expect(errorNotice({ kind: 'process_restarted', death: killed })).toBe(
      '⚠️ Claude Code stopped unexpectedly (signal SIGKILL). Restarting it with the conversation so far.',
    );
  });

  it('giving up: how often, the cause, how many messages went unanswered, and how to start it again', () => {
    const death: ProcessDeath = {
      exitCode: 1,
      signal: null,
      cause: 'Claude Code process exited with code 1',
    };
    const gaveUp = { kind: 'process_gave_up', crashes: 4, windowMs: 600_000 } as const;
    expect(errorNotice({ ...gaveUp, death, unanswered: 2 }, 'work')).toBe(
      "⚠️ Claude Code stopped 4 times in 10 min (last: exit code 1: Claude Code process exited with code 1). 2 messages were not answered. Session 'work' is marked failed; use /session work to start it again.",
    );
    expect(errorNotice({ ...gaveUp, death: killed, unanswered: 1 }, 'work')).toBe(
      "⚠️ Claude Code stopped 4 times in 10 min (last: signal SIGKILL). Your last message was not answered. Session 'work' is marked failed; use /session work to start it again.",
    );
    expect(errorNotice({ ...gaveUp, death: killed, unanswered: 0 }, 'work')).toBe(
      "⚠️ Claude Code stopped 4 times in 10 min (last: signal SIGKILL). Session 'work' is marked failed; use /session work to start it again.",
    );
  });

  it('a lost transcript: which session, that nothing was sent, and the choice to start fresh', () => {
    const gone = '7c9e6679-7425-40de-944b-e07fc1f99a8b';
    expect(errorNotice({ kind: 'conversation_not_found', missingSessionId: gone, held: 1 })).toBe(
      `⚠️ The earlier conversation of this session cannot be resumed: Claude Code has no transcript of session ${gone}. Your message waits; nothing was sent to Claude. Press Start fresh to begin a new conversation and have it answered.`,
    );
    expect(errorNotice({ kind: 'conversation_not_found', missingSessionId: gone, held: 0 })).toMatch(
      /no transcript of session [0-9a-f-]+\. Press Start fresh to begin a new conversation\.$/,
    );
  });
});

describe('describeDeath', () => {
  it('names the signal, the exit code, or a start that failed', () => {
    expect(describeDeath(killed)).toBe('signal SIGKILL');
    expect(describeDeath({ exitCode: 3, signal: null, cause: undefined })).toBe('exit code 3');
    expect(describeDeath({ exitCode: null, signal: null, cause: 'spawn /nonexistent/claude ENOENT' })).toBe(
      'it could not be started: spawn /nonexistent/claude ENOENT',
    );
  });

  it('cuts a long cause to fit a phone screen', () => {
    const text = describeDeath({ exitCode: 1, signal: null, cause: 'x'.repeat(500) });
    expect(text).toHaveLength('exit code 1: '.length + 160);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('the other notices', () => {
  it('retrying: the status, the wait in seconds, and the attempt', () => {
    expect(retryingLine({ attempt: 1, maxRetries: 10, delayMs: 531, status: 529, error: 'overloaded' })).toBe(
      "Claude's API failed (HTTP 529 (overloaded)); retrying in 1 s (1/10)…",
    );
    expect(
      retryingLine({ attempt: 2, maxRetries: 10, delayMs: 2100, status: null, error: 'ECONNRESET' }),
    ).toBe("Claude's API failed (connection error (ECONNRESET)); retrying in 3 s (2/10)…");
  });

  it('shutting down: how many messages were not answered', () => {
    expect(shuttingDownNotice(1)).toBe(
      '⚠️ The bot is shutting down: your last message was not answered. Send again once it is back.',
    );
    expect(shuttingDownNotice(3)).toContain('your last 3 messages were not answered');
  });
});
