import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach } from 'vitest';
import type { ClaudeEvent, MessageOrigin } from '../../src/claude/events.ts';
import {
  type ClaudeSession,
  type ClaudeSessionOptions,
  createClaudeSession,
} from '../../src/claude/process.ts';
import type { ModelReply } from '../fakes/anthropic/index.ts';
import {
  type FakeAnthropic,
  type FakeAnthropicOptions,
  startFakeAnthropic,
} from '../fakes/anthropic/index.ts';

export const testLogger = () => pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** Resolves with what `look` returns once that is neither false nor undefined, looking every 20 ms. */
export async function until<T>(
  look: () => T | false | undefined | Promise<T | false | undefined>,
): Promise<T> {
  for (;;) {
    const found = await look();
    if (found !== false && found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A model that asks to run `command` with the Bash tool, then answers `thenText`. */
export function runsBash(command: string, thenText: string): FakeAnthropicOptions {
  const reply: ModelReply = { toolUse: { name: 'Bash', input: { command } }, thenText };
  return { script: () => reply };
}

/** Records a session's events and waits for the ones a scenario expects. */
export class EventLog {
  readonly events: ClaudeEvent[] = [];
  private waiters: Array<() => void> = [];

  /** The sender each event carried, by index. */
  readonly origins: Array<MessageOrigin | undefined> = [];

  constructor(session: ClaudeSession) {
    session.on((event, origin) => {
      this.events.push(event);
      this.origins.push(origin);
      for (const wake of this.waiters) wake();
    });
  }

  of<T extends ClaudeEvent['type']>(type: T): Extract<ClaudeEvent, { type: T }>[] {
    return this.events.filter((event): event is Extract<ClaudeEvent, { type: T }> => event.type === type);
  }

  /** Resolves once `count` events of `type` have been seen. */
  async waitFor<T extends ClaudeEvent['type']>(
    type: T,
    count = 1,
    timeoutMs = 25_000,
  ): Promise<Extract<ClaudeEvent, { type: T }>[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.of(type).length < count) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`waited for ${count} '${type}' events; saw: ${JSON.stringify(this.events, null, 1)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.waiters = [];
    }
    return this.of(type);
  }
}

export interface OpenedSession {
  session: ClaudeSession;
  log: EventLog;
}

/** One test's world: the fake model, a temporary HOME and working directory, and an environment for Claude Code. */
export interface ClaudeWorld {
  model: FakeAnthropic;
  /** Claude Code's working directory. */
  cwd: string;
  home: string;
  /** The full environment of the CLI: the temporary HOME, pointed at the fake model. */
  env: Record<string, string | undefined>;
  /** A ClaudeSession in this world, recorded from its first event, closed after the test. */
  open(extra?: Partial<ClaudeSessionOptions>): OpenedSession;
}

/**
 * For a test file: `start` builds a fresh world; after each test its sessions are closed, the model is
 * stopped and the temporary directories are removed. `sessionDefaults` go to every session of the file.
 */
export function claudeWorlds(sessionDefaults: Partial<ClaudeSessionOptions> = {}) {
  let teardowns: Array<() => Promise<void>> = [];
  afterEach(async () => {
    const pending = teardowns.reverse();
    teardowns = [];
    for (const teardown of pending) await teardown();
  });

  async function start(modelOptions: FakeAnthropicOptions = {}): Promise<ClaudeWorld> {
    const model = await startFakeAnthropic(modelOptions);
    const root = mkdtempSync(path.join(os.tmpdir(), 'claude-test-'));
    const home = path.join(root, 'home');
    const cwd = path.join(root, 'work');
    for (const dir of [home, cwd]) mkdirSync(dir, { recursive: true });
    const env: Record<string, string | undefined> = {
      ...process.env,
      HOME: home,
      CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
      ANTHROPIC_BASE_URL: model.baseUrl,
      ANTHROPIC_API_KEY: 'test-key',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_CODE_MAX_RETRIES: '1',
    };
    const sessions: ClaudeSession[] = [];
    teardowns.push(async () => {
      await Promise.all(sessions.map((session) => session.close()));
      await model.close();
      rmSync(root, { recursive: true, force: true });
    });

    const open = (extra: Partial<ClaudeSessionOptions> = {}): OpenedSession => {
      const session = createClaudeSession({
        cwd,
        env,
        logger: testLogger(),
        settingSources: [],
        ...sessionDefaults,
        ...extra,
      });
      sessions.push(session);
      return { session, log: new EventLog(session) };
    };
    return { model, cwd, home, env, open };
  }

  return { start };
}
