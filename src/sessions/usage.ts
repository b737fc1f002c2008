import { z } from 'zod';
import type { ClaudeEvent } from '../claude/events.ts';
import type { Logger } from '../logging.ts';
import type { SessionStore } from './session-store.ts';

const count = z.number().int().nonnegative().catch(0);
const dollars = z.number().nonnegative().catch(0);

/** `metadata.json`'s `usage`: what a session's turns used, summed from Claude Code's results. */
export const SessionUsageSchema = z.looseObject({
  input_tokens: count,
  output_tokens: count,
  cache_read_tokens: count,
  cache_creation_tokens: count,
  cost_usd: dollars,
  /** Turns that asked the model (a local command such as `/cost` does not). */
  turns: count,
  /** Claude Code's cumulative cost in its last result: where a resumed process starts counting. */
  last_total_cost_usd: dollars,
});

export type SessionUsage = z.output<typeof SessionUsageSchema>;

export const NO_USAGE: SessionUsage = {
  input_tokens: 0,
  output_tokens: 0,
  cache_read_tokens: 0,
  cache_creation_tokens: 0,
  cost_usd: 0,
  turns: 0,
  last_total_cost_usd: 0,
};

type Completed = Extract<ClaudeEvent, { type: 'completed' }>;

/** `usage` after the turn `event` ended. */
export function addTurn(usage: SessionUsage, event: Completed): SessionUsage {
  return {
    ...usage,
    input_tokens: usage.input_tokens + event.usage.inputTokens,
    output_tokens: usage.output_tokens + event.usage.outputTokens,
    cache_read_tokens: usage.cache_read_tokens + (event.usage.cacheReadTokens ?? 0),
    cache_creation_tokens: usage.cache_creation_tokens + (event.usage.cacheCreationTokens ?? 0),
    cost_usd: usage.cost_usd + (event.turnCostUsd ?? 0),
    turns: usage.turns + (event.numTurns > 0 ? 1 : 0),
    last_total_cost_usd: event.totalCostUsd,
  };
}

/** The sum of several sessions' usage (`last_total_cost_usd` means nothing there: 0). */
export function sumUsage(usages: SessionUsage[]): SessionUsage {
  return usages.reduce(
    (sum, usage) => ({
      input_tokens: sum.input_tokens + usage.input_tokens,
      output_tokens: sum.output_tokens + usage.output_tokens,
      cache_read_tokens: sum.cache_read_tokens + usage.cache_read_tokens,
      cache_creation_tokens: sum.cache_creation_tokens + usage.cache_creation_tokens,
      cost_usd: sum.cost_usd + usage.cost_usd,
      turns: sum.turns + usage.turns,
      last_total_cost_usd: 0,
    }),
    NO_USAGE,
  );
}

/**
 * Adds each finished turn to its session's `usage` in metadata.json. The store serializes the
 * read-modify-writes, so turns ending together never lose one another.
 */
export class UsageLedger {
  constructor(private readonly deps: { sessions: SessionStore; logger: Logger }) {}

  record(name: string, event: Completed): Promise<void> {
    return this.deps.sessions
      .updateUsage(name, (usage) => addTurn(usage, event))
      .then((result) => {
        if (!result.ok) this.deps.logger.warn({ session: name, error: result.error }, 'usage not recorded');
      })
      .catch((error: unknown) => this.deps.logger.warn({ err: error, session: name }, 'usage not recorded'));
  }
}
