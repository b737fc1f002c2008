/**
 * The same Claude Code CLI and fake model driven without the bot: src/claude/process.ts (the
 * bridge's thin wrapper over the Agent SDK) in a plain script. This is the baseline the bot's
 * figures are read against: what the CLI itself costs per turn and per start.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { type ClaudeEvent, type ClaudeSession, createClaudeSession } from '../src/claude/index.ts';
import { SETTING_NAMES } from '../src/config/settings.ts';
import { delay } from '../test/e2e/harness.ts';
import type { FakeAnthropic } from '../test/fakes/anthropic/index.ts';
import { monotonicMs } from '../test/fakes/monotonic.ts';
import { answerTo, until } from './through-bot.ts';

/** Claude Code's environment as the bot passes it: everything but the bot's own settings. */
export function claudeEnv(botEnv: Record<string, string>): Record<string, string> {
  const passed = Object.entries(botEnv).filter(([name]) => !SETTING_NAMES.includes(name));
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...Object.fromEntries(passed), LOG_LEVEL: 'info' };
}

export interface DirectSetup {
  model: FakeAnthropic;
  /** Sessions get their working directories under this folder. */
  root: string;
  /** Claude Code's environment, as the bot passes it. */
  env: Record<string, string>;
  personaPrompt: string;
  /** Every session not yet closed, so an aborted run can still end them. */
  live: Set<ClaudeSession>;
  /** Aborted once the run is being cleaned up: no CLI may be spawned after that. */
  signal: AbortSignal;
}

export interface DirectTurn {
  /** The message was pushed into the SDK's input stream. */
  sentAt: number;
  requestAt: number;
  modelDoneAt: number;
  /** The SDK's result message for the turn was read. */
  resultAt: number;
  /** The CLI's own `duration_ms` of the turn. */
  durationMs: number;
}

type Completed = Extract<ClaudeEvent, { type: 'completed' }>;

/** A Claude Code process and its turn results, in order. */
export class DirectSession {
  private readonly results: Array<{ at: number; event: Completed }> = [];
  private failure: string | undefined;
  readonly session: ClaudeSession;

  constructor(
    private readonly setup: DirectSetup,
    cwd: string,
  ) {
    this.session = createClaudeSession({
      cwd,
      env: setup.env,
      personaPrompt: setup.personaPrompt,
      logger: pino({ level: 'silent' }),
    });
    setup.live.add(this.session);
    this.session.on((event) => {
      if (event.type === 'completed') this.results.push({ at: monotonicMs(), event });
      if (event.type === 'error') this.failure = JSON.stringify(event);
    });
  }

  /** Sends `text`, waits for the result; the fake model must answer with the echo script. */
  async turn(text: string): Promise<DirectTurn> {
    const { model } = this.setup;
    const before = this.results.length;
    const sentAt = monotonicMs();
    this.session.send(text);
    await until(
      () => this.results.length > before || this.failure !== undefined,
      30_000,
      `the CLI's answer to ${JSON.stringify(text)}`,
    );
    const result = this.results[before];
    if (!result || this.failure !== undefined || result.event.answer !== answerTo(text))
      throw new Error(
        `the CLI did not answer ${JSON.stringify(text)}: ${this.failure ?? result?.event.answer}`,
      );
    const request = model.requests.find((r) => model.lastUserText(r) === text);
    if (!request?.finishedAt) throw new Error(`the fake model has no finished request for ${text}`);
    return {
      sentAt,
      requestAt: request.receivedAt,
      modelDoneAt: request.finishedAt,
      resultAt: result.at,
      durationMs: result.event.durationMs,
    };
  }

  async close(): Promise<void> {
    await this.session.close();
    this.setup.live.delete(this.session);
  }
}

/** Spawns a Claude Code process working in its own folder under `setup.root`. */
export async function openDirect(setup: DirectSetup, name: string): Promise<DirectSession> {
  setup.signal.throwIfAborted();
  const cwd = path.join(setup.root, name);
  await mkdir(cwd, { recursive: true });
  // The run may have been aborted while the folder was made: its clean-up would miss this process.
  setup.signal.throwIfAborted();
  return new DirectSession(setup, cwd);
}

/**
 * A fresh process's first answer: the message sent `spawnedAheadMs` after the process was spawned
 * (0: at once, a cold spawn). Returns the time from sending to the result.
 */
export async function directFirstReply(
  setup: DirectSetup,
  name: string,
  spawnedAheadMs: number,
): Promise<number> {
  const direct = await openDirect(setup, name);
  try {
    if (spawnedAheadMs > 0) await delay(spawnedAheadMs);
    const turn = await direct.turn(`${name} first`);
    return turn.resultAt - turn.sentAt;
  } finally {
    await direct.close();
  }
}
