/** The sentences of `/usage` and the usage line of `/sessions`, from metadata.json's `usage`. */
import type { SessionUsage } from '../../sessions/usage.ts';

/** `950`, `12.3k`, `4.5M`. */
export function formatTokens(tokens: number): string {
  if (tokens < 1000) return String(tokens);
  if (tokens < 1_000_000) return `${Number((tokens / 1000).toFixed(1))}k`;
  return `${Number((tokens / 1_000_000).toFixed(1))}M`;
}

/** `$0.0421`; cents and more with two decimals: `$3.10`. */
export function formatCost(usd: number): string {
  return usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

/** One session's figures: `12.3k in, 845 out, 0 cache reads, $0.0421, 3 turns`. */
export function usageFigures(usage: SessionUsage): string {
  const turns = usage.turns === 1 ? '1 turn' : `${usage.turns} turns`;
  return `${formatTokens(usage.input_tokens)} in, ${formatTokens(usage.output_tokens)} out, ${formatTokens(usage.cache_read_tokens)} cache reads, ${formatCost(usage.cost_usd)}, ${turns}`;
}

/** The line `/sessions` shows for the active session (for the session listing to call). */
export function sessionUsageLine(usage: SessionUsage | undefined): string {
  return usage ? `Usage: ${usageFigures(usage)}` : 'Usage: nothing yet';
}

export interface UsageEntry {
  name: string;
  usage: SessionUsage | undefined;
}

/** `/usage`: one line per session, then the total. */
export function usageText(entries: UsageEntry[], total: SessionUsage): string {
  if (entries.length === 0) return 'No sessions yet. Use /new <name> to start one.';
  const lines = entries.map(({ name, usage }) => `• ${name}: ${usage ? usageFigures(usage) : 'nothing yet'}`);
  return [
    'Usage (tokens in, tokens out, cache reads, cost, turns):',
    ...lines,
    `Total: ${usageFigures(total)}`,
  ].join('\n');
}

/** `/usage <name>`: that session's figures. */
export function sessionUsageText(name: string, usage: SessionUsage | undefined): string {
  return `Usage of '${name}': ${usage ? usageFigures(usage) : 'nothing yet'}.`;
}
