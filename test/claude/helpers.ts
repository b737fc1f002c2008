import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { ClaudeEvent } from '../../src/claude/events.ts';
import type { ClaudeSession } from '../../src/claude/process.ts';
import type { FakeAnthropic } from '../fakes/anthropic/index.ts';

export interface ClaudeSandbox {
  /** Claude Code's working directory. */
  cwd: string;
  home: string;
  env: Record<string, string | undefined>;
  cleanup(): void;
}

/** A temporary HOME and working directory, and an environment pointing Claude Code at the fake model. */
export function claudeSandbox(model: FakeAnthropic): ClaudeSandbox {
  const root = mkdtempSync(path.join(os.tmpdir(), 'claude-test-'));
  const home = path.join(root, 'home');
  const cwd = path.join(root, 'work');
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
  for (const dir of [home, cwd]) mkdirSync(dir, { recursive: true });
  return { cwd, home, env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export const testLogger = () => pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** Records a session's events and waits for the ones a scenario expects. */
export class EventLog {
  readonly events: ClaudeEvent[] = [];
  private waiters: Array<() => void> = [];

  constructor(session: ClaudeSession) {
    session.on((event) => {
      this.events.push(event);
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
