import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClaudeEvent } from '../../src/claude/events.ts';
import { SessionStore } from '../../src/sessions/session-store.ts';
import { addTurn, NO_USAGE, sumUsage, UsageLedger } from '../../src/sessions/usage.ts';

const turn = (cost: number, total: number, numTurns = 1): Extract<ClaudeEvent, { type: 'completed' }> => ({
  type: 'completed',
  sessionId: 's',
  answer: '',
  isError: false,
  durationMs: 1,
  numTurns,
  totalCostUsd: total,
  turnCostUsd: cost,
  usage: { inputTokens: 100, outputTokens: 10, cacheReadTokens: 5, cacheCreationTokens: 1 },
});

describe('usage arithmetic', () => {
  it('adds a turn, counting only turns that asked the model', () => {
    const once = addTurn(NO_USAGE, turn(0.04, 0.04));
    const local = addTurn(once, { ...turn(0, 0.04, 0), usage: { inputTokens: 0, outputTokens: 0 } });
    expect(local).toEqual({
      input_tokens: 100,
      output_tokens: 10,
      cache_read_tokens: 5,
      cache_creation_tokens: 1,
      cost_usd: 0.04,
      turns: 1,
      last_total_cost_usd: 0.04,
    });
    expect(sumUsage([once, once]).input_tokens).toBe(200);
  });
});

describe('UsageLedger', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loses no turn when several end together, and keeps the rest of metadata.json', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'usage-'));
    const logger = pino({ level: 'silent' });
    const sessions = new SessionStore({ dataDir: dir, now: () => new Date('2025-01-01T00:00:00Z'), logger });
    await sessions.create('work', { name: 'default', description: '', system_prompt: '', settings: {} });
    const ledger = new UsageLedger({ sessions, logger });
    await Promise.all([
      ledger.record('work', turn(0.01, 0.01)),
      ledger.record('work', turn(0.02, 0.03)),
      sessions.update('work', { model_override: 'opus' }),
      ledger.record('work', turn(0.03, 0.06)),
    ]);
    const metadata = (await sessions.get('work'))?.metadata;
    expect(metadata?.usage?.turns).toBe(3);
    expect(metadata?.usage?.input_tokens).toBe(300);
    expect(metadata?.usage?.cost_usd).toBeCloseTo(0.06);
    expect(metadata?.model_override).toBe('opus');
  });
});
