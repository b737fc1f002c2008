import { execFile } from 'node:child_process';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { PingTarget } from '../../config/homelab.ts';

export type PingOutcome =
  | { kind: 'reply'; method: 'icmp' | 'tcp'; rttMs?: number; port?: number; icmpNotPermitted?: boolean }
  /** A TCP port refused: something answered, so the host is up. */
  | { kind: 'refused'; port: number; icmpNotPermitted: boolean }
  | { kind: 'no-reply'; method: 'icmp' | 'tcp'; icmpNotPermitted?: boolean }
  | { kind: 'unknown-host' }
  | { kind: 'error'; message: string }
  | { kind: 'invalid'; message: string };

export interface PingResult {
  target: PingTarget;
  outcome: PingOutcome;
}

export interface PingDeps {
  /** The `ping` executable; `ping` from PATH unless tests give another. */
  pingCommand: string;
  timeoutMs: number;
}

/** Ports tried when ICMP is not permitted and no port was given: SSH, HTTPS, HTTP. */
export const FALLBACK_PORTS = [22, 443, 80] as const;
/** One `/ping` never starts an unbounded number of probes. */
export const MAX_PING_TARGETS = 16;

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*\.?|\[[0-9A-Fa-f:.]+\])$/;

/**
 * `/ping` arguments → targets: a name from PING_HOSTS, a host, or host:port (`[v6]:port` too).
 * Anything else (an option-like `-f`, shell characters) becomes an `invalid` result, never an argument.
 */
export function parsePingArgs(args: string[], configured: PingTarget[]): (PingTarget | PingResult)[] {
  return args.slice(0, MAX_PING_TARGETS).map((arg): PingTarget | PingResult => {
    const known = configured.find((target) => target.name.toLowerCase() === arg.toLowerCase());
    if (known) return known;
    const match = /^(.+?)(?::(\d{1,5}))?$/.exec(arg);
    const host = match?.[1] ?? '';
    const port = match?.[2] === undefined ? undefined : Number(match[2]);
    if (!HOST.test(host) || (port !== undefined && (port < 1 || port > 65535))) {
      return {
        target: { name: arg, host: arg },
        outcome: { kind: 'invalid', message: 'not a host name, IP address or host:port' },
      };
    }
    const bare = host.replace(/^\[|\]$/g, '');
    return { name: arg, host: bare, ...(port === undefined ? {} : { port }) };
  });
}

interface CommandResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  missing: boolean;
  timedOut: boolean;
}

function run(command: string, args: string[], timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      const code = error && 'code' in error ? error.code : 0;
      resolve({
        exitCode: typeof code === 'number' ? code : error ? null : 0,
        stdout: String(stdout),
        stderr: String(stderr),
        missing: code === 'ENOENT' || code === 'EACCES',
        timedOut: Boolean(error && 'killed' in error && error.killed),
      });
    });
  });
}

const NOT_PERMITTED = /operation not permitted|permission denied|lacking privilege|socket:|must be root/i;
const UNKNOWN_HOST =
  /name or service not known|unknown host|cannot resolve|temporary failure in name resolution|no address associated/i;

type IcmpAnswer = PingOutcome | 'not-permitted';

async function icmpPing(host: string, deps: PingDeps): Promise<IcmpAnswer> {
  const result = await run(deps.pingCommand, ['-n', '-c', '1', '-W', '1', host], deps.timeoutMs);
  if (result.missing) return 'not-permitted';
  if (result.exitCode === 0) {
    const rtt = /time[=<]\s*([\d.]+)\s*ms/.exec(result.stdout) ?? /= [\d.]+\/([\d.]+)\//.exec(result.stdout);
    return { kind: 'reply', method: 'icmp', ...(rtt?.[1] ? { rttMs: Number(rtt[1]) } : {}) };
  }
  if (result.timedOut || result.exitCode === 1) return { kind: 'no-reply', method: 'icmp' };
  const output = `${result.stderr}\n${result.stdout}`;
  if (UNKNOWN_HOST.test(output)) return { kind: 'unknown-host' };
  if (NOT_PERMITTED.test(output)) return 'not-permitted';
  const message = output.trim().split('\n')[0] || `ping exited with ${result.exitCode}`;
  return { kind: 'error', message };
}

/** A TCP connect: an accepted or a refused connection both prove the host is up. */
export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<PingOutcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect({ host, port, timeout: timeoutMs });
    const finish = (outcome: PingOutcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.once('connect', () =>
      finish({
        kind: 'reply',
        method: 'tcp',
        port,
        rttMs: Math.round((performance.now() - started) * 10) / 10,
      }),
    );
    socket.once('timeout', () => finish({ kind: 'no-reply', method: 'tcp' }));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') finish({ kind: 'refused', port, icmpNotPermitted: false });
      else if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') finish({ kind: 'unknown-host' });
      else if (error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH' || error.code === 'ETIMEDOUT')
        finish({ kind: 'no-reply', method: 'tcp' });
      else finish({ kind: 'error', message: error.code ?? error.message });
    });
  });
}

/** ICMP is not available: the first of the fallback ports that answers (or refuses) settles it. */
async function tcpFallback(host: string, timeoutMs: number): Promise<PingOutcome> {
  const outcomes = await Promise.all(FALLBACK_PORTS.map((port) => tcpProbe(host, port, timeoutMs)));
  const answered =
    outcomes.find((outcome) => outcome.kind === 'reply') ?? outcomes.find((o) => o.kind === 'refused');
  if (answered?.kind === 'refused' || answered?.kind === 'reply')
    return { ...answered, icmpNotPermitted: true };
  if (outcomes.some((outcome) => outcome.kind === 'unknown-host')) return { kind: 'unknown-host' };
  return { kind: 'no-reply', method: 'tcp', icmpNotPermitted: true };
}

export async function probeTarget(target: PingTarget, deps: PingDeps): Promise<PingResult> {
  if (target.port !== undefined)
    return { target, outcome: await tcpProbe(target.host, target.port, deps.timeoutMs) };
  const icmp = await icmpPing(target.host, deps);
  if (icmp !== 'not-permitted') return { target, outcome: icmp };
  return { target, outcome: await tcpFallback(target.host, deps.timeoutMs) };
}

/** Every target at once; the answer keeps the order they were given in. */
export function pingAll(targets: (PingTarget | PingResult)[], deps: PingDeps): Promise<PingResult[]> {
  return Promise.all(targets.map((target) => ('outcome' in target ? target : probeTarget(target, deps))));
}
