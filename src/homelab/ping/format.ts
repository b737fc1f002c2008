import { escapeMarkdown, MARK, oneLine, roundForDisplay } from '../format.ts';
import type { PingOutcome, PingResult } from './client.ts';

function describe(outcome: PingOutcome): { mark: string; text: string } {
  const fallback =
    'icmpNotPermitted' in outcome && outcome.icmpNotPermitted ? ' (ICMP not permitted, so TCP)' : '';
  switch (outcome.kind) {
    case 'reply': {
      const rtt = outcome.rttMs === undefined ? '' : ` ${roundForDisplay(outcome.rttMs)} ms`;
      const how = outcome.method === 'tcp' ? `TCP port ${outcome.port ?? '?'} open` : 'reply';
      return { mark: MARK.ok, text: `${how}${rtt}${fallback}` };
    }
    case 'refused':
      return {
        mark: MARK.ok,
        text: `up: TCP port ${outcome.port} refused the connection, so the host answered${fallback}`,
      };
    case 'no-reply':
      return { mark: MARK.bad, text: `no reply${outcome.method === 'tcp' ? ' (TCP)' : ''}${fallback}` };
    case 'unknown-host':
      return { mark: MARK.bad, text: 'unknown host' };
    case 'invalid':
      return { mark: MARK.warning, text: outcome.message };
    case 'error':
      return { mark: MARK.bad, text: `ping failed: ${oneLine(outcome.message, 100)}` };
  }
}

function label({ target }: PingResult): string {
  const address = target.port === undefined ? target.host : `${target.host}:${target.port}`;
  return target.name === address || target.name === target.host
    ? `**${escapeMarkdown(address)}**`
    : `**${escapeMarkdown(target.name)}** (${escapeMarkdown(address)})`;
}

/** `/ping`: one line per host, in the order asked. */
export function formatPingResults(results: PingResult[]): string {
  const up = results.filter(
    (result) => result.outcome.kind === 'reply' || result.outcome.kind === 'refused',
  ).length;
  const lines = results.map((result) => {
    const { mark, text } = describe(result.outcome);
    return `${mark} ${label(result)} — ${escapeMarkdown(text)}`;
  });
  return [`**📶 Ping** ${up} of ${results.length} reachable`, ...lines].join('\n');
}

export const PING_USAGE = [
  'Usage: /ping <host…> (a name from PING_HOSTS, a host, or host:port for a TCP probe)',
  'Or set PING_HOSTS=name=host[:port],… to ping those with a bare /ping.',
].join('\n');
